using System;
using System.CommandLine;
using System.IO;
using QRecipe.Cli.Interop;
using QRecipe.Language.Text;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe export --format scmp-json RECIPE [--out FILE]</c>: the SCPrecisionMap scmp's
/// <c>--sc_config</c> reads, plus the pipeline flags for the SC settings the map has no field for.</summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var recipe = new Argument<string>("recipe") { Description = "A .qrecipe file" };
        var format = new Option<string>("--format") { Description = "Output format", Required = true };
        format.AcceptOnlyFromAmong("scmp-json");
        var outFile = new Option<string?>("--out") { Description = "Write to this file instead of standard output" };
        var command = new Command("export", "Write a recipe's SC plan in another tool's format (scmp-json: scmp's SCPrecisionMap)");
        command.Arguments.Add(recipe);
        command.Options.Add(format);
        command.Options.Add(outFile);
        command.SetAction(result => Run(result.GetRequiredValue(recipe), result.GetValue(outFile), output, error));
        return command;
    }

    private static int Run(string path, string? outFile, TextWriter output, TextWriter error)
    {
        // Diagnostics go to the error stream: standard output may be the JSON itself.
        var status = RecipeFiles.TryCompileOne(path, error, error, out var plan, out _);
        if (plan is null)
            return status;
        ScmpExport export;
        try
        {
            export = ScmpExporter.Export(plan, path);
        }
        catch (InteropException e)
        {
            error.WriteLine("qrecipe: " + SafeText.Escape(e.Message));
            return CliApp.RecipeErrors;
        }
        foreach (var warning in export.Warnings)
            error.WriteLine($"{SafeText.Escape(path)}: warning: {SafeText.Escape(warning)}");
        var json = ScmpJson.Write(export.Map);
        if (outFile is null)
            output.Write(json);
        else
            RecipeFiles.WriteAtomically(outFile, json);
        error.WriteLine(export.Flags.Count == 0
            ? "scmp flags: none beyond --sc_config"
            : "scmp flags: " + string.Join(" ", export.Flags));
        return 0;
    }
}
