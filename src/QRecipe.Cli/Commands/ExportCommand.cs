using System.CommandLine;
using System.IO;
using QRecipe.Interop;
using QRecipe.Interop.Ditas;
using QRecipe.Interop.Flags;
using QRecipe.Interop.Qua2SeDiMo;
using QRecipe.Interop.Scmp;
using QRecipe.Interop.Vidit;
using QRecipe.Plan;
using QRecipe.Plan.Text;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe export --format FORMAT RECIPE [--out FILE]</c>: the recipe's plan in another tool's format
/// where that format can hold it; otherwise a refusal listing what it cannot hold (docs/interop.md).</summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var recipe = new Argument<string>("recipe") { Description = "A .qrecipe file" };
        var format = new Option<string>("--format") { Description = "Output format: scmp-json, scmp-flags, viditq (2025 layout), viditq-legacy (needs --out), qua2sedimo (needs --out) or ditas", Required = true };
        format.AcceptOnlyFromAmong("scmp-json", "scmp-flags", "viditq", "viditq-legacy", "qua2sedimo", "ditas");
        var outFile = new Option<string?>("--out") { Description = "Write to this file instead of standard output" };
        var command = new Command("export", "Write a recipe's plan in another tool's format (docs/interop.md)");
        command.Arguments.Add(recipe);
        command.Options.Add(format);
        command.Options.Add(outFile);
        command.SetAction(result => Run(result.GetRequiredValue(format), result.GetRequiredValue(recipe), result.GetValue(outFile), output, error));
        return command;
    }

    private static int Run(string format, string path, string? outFile, TextWriter output, TextWriter error)
    {
        if (format is "qua2sedimo" or "viditq-legacy" && outFile is null)
        {
            error.WriteLine(format == "qua2sedimo"
                ? "qrecipe: --format qua2sedimo writes a pickle; give the file with --out"
                : "qrecipe: --format viditq-legacy writes the YAML and the files beside it; give the YAML's path with --out");
            return CliApp.UsageError;
        }
        // Diagnostics go to the error stream: standard output may be the exported file itself.
        var status = RecipeFiles.TryCompileOne(path, error, error, out var plan, out _);
        if (plan is null)
            return status;
        try
        {
            if (format == "qua2sedimo")
            {
                var (pickle, flags) = Qua2SeDiMoExporter.Export(plan, path);
                RecipeFiles.WriteAtomically(outFile!, pickle);
                if (flags.Count > 0)
                    error.WriteLine("Qua2SeDiMo flags: " + string.Join(" ", flags));
                return 0;
            }
            if (format == "viditq-legacy")
            {
                ViditLegacyOutput.Write(ViditLegacyExporter.Export(plan, path, ViditLegacyOutput.FpListName(outFile!)), outFile!, error);
                return 0;
            }
            var text = Export(format, plan, path, error);
            if (outFile is null)
                output.Write(text);
            else
                RecipeFiles.WriteAtomically(outFile, text);
            return 0;
        }
        catch (InteropException e)
        {
            foreach (var line in e.Message.Split('\n'))
                error.WriteLine("qrecipe: " + SafeText.Escape(line));
            return CliApp.RecipeErrors;
        }
    }

    private static string Export(string format, RecipePlan plan, string path, TextWriter error)
    {
        switch (format)
        {
            case "scmp-json":
                var export = ScmpExporter.Export(plan, path);
                foreach (var warning in export.Warnings)
                    error.WriteLine($"{SafeText.Escape(path)}: warning: {SafeText.Escape(warning)}");
                error.WriteLine(export.Flags.Count == 0
                    ? "scmp flags: none beyond --sc_config"
                    : "scmp flags: " + string.Join(" ", export.Flags));
                return ScmpJson.Write(export.Map);
            case "scmp-flags":
                return ScmpFlagsExporter.Export(plan, path);
            case "viditq":
                return ViditExporter.Export(plan, path);
            default:
                return DitasInterop.Export(plan, path);
        }
    }

}
