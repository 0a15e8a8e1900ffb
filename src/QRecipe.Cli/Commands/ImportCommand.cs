using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using QRecipe.Cli.Run;
using QRecipe.Interop;
using QRecipe.Interop.Ditas;
using QRecipe.Interop.Flags;
using QRecipe.Interop.Pickle;
using QRecipe.Interop.Qua2SeDiMo;
using QRecipe.Interop.Recipes;
using QRecipe.Interop.Scmp;
using QRecipe.Interop.Vidit;
using QRecipe.Interop.Yaml;
using QRecipe.Language;
using QRecipe.Language.Formatting;
using QRecipe.Plan;
using QRecipe.Plan.Models;
using QRecipe.Plan.Text;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe import FORMAT FILE</c>: a compact recipe from another tool's configuration (scmp's map or
/// command line, ViDiT-Q YAML, a Qua2SeDiMo per-layer pickle, DiTAS's config.py). What the file does not say comes
/// from options.</summary>
internal static class ImportCommand
{
    public static readonly string[] Formats = { "scmp-json", "scmp-flags", "viditq", "qua2sedimo", "ditas" };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var format = new Argument<string>("format") { Description = "Input format: scmp-json, scmp-flags, viditq, qua2sedimo or ditas (docs/interop.md)" };
        format.AcceptOnlyFromAmong(Formats);
        var file = new Argument<string>("file") { Description = "The file to import; for scmp-flags the command line itself (quoted)" };
        var outFile = new Option<string?>("--out") { Description = "Write the recipe to this file instead of standard output" };
        var name = new Option<string?>("--name") { Description = "Recipe (class) name; default from the file name" };
        var model = new Option<string>("--model") { Description = "The model the file was made for: a catalogue name (see 'qrecipe models') or \"custom { depth D hidden H heads N patch P latent S }\"", DefaultValueFactory = _ => "dit-xl/2" };
        var image = new Option<int>("--image") { Description = "Image size, 256 or 512", DefaultValueFactory = _ => ModelCatalog.DefaultImageSize };
        var steps = new Option<int>("--steps") { Description = "Sampling steps T where the file does not fix them", DefaultValueFactory = _ => 50 };
        var precision = new Option<string>("--precision") { Description = "scmp-json: SC precision, auto (scmp's ⌈log2 L⌉ per length) or P for --sc_fixed_level_prec", DefaultValueFactory = _ => "auto" };
        var kernel = new Option<string>("--kernel") { Description = "scmp-json: SC kernel, enable (--sc_enable), xnor or and", DefaultValueFactory = _ => "enable" };
        kernel.AcceptOnlyFromAmong("enable", "xnor", "and");
        var wbits = new Option<int?>("--wbits") { Description = "Weight bits where the file has none (scmp-json, scmp-flags: default 8; 0 keeps weights FP)" };
        var abits = new Option<int?>("--abits") { Description = "Activation bits where the file has none (scmp-json, scmp-flags: default 8; qua2sedimo: default 0 = FP, Qua2SeDiMo's --act_bit with --quant_act)" };
        var mpWeight = new Option<string?>("--mp-weight") { Description = "viditq (legacy layout): the timestep-wise weight mixed-precision YAML" };
        var mpAct = new Option<string?>("--mp-act") { Description = "viditq (legacy layout): the timestep-wise activation mixed-precision YAML" };
        var command = new Command("import", "Turn another tool's configuration into a compact recipe (formats: docs/interop.md)");
        command.Arguments.Add(format);
        command.Arguments.Add(file);
        foreach (var option in new Option[] { outFile, name, model, image, steps, precision, kernel, wbits, abits, mpWeight, mpAct })
            command.Options.Add(option);
        command.SetAction(result =>
        {
            var path = result.GetRequiredValue(file);
            var kind = result.GetRequiredValue(format);
            var modelName = result.GetRequiredValue(model);
            var imageSize = result.GetValue(image);
            var modelText = modelName.TrimStart().StartsWith("custom", StringComparison.Ordinal) ? modelName : $"{modelName} image {imageSize}";
            if (ResolveModel(modelText, error) is not { } spec)
                return CliApp.UsageError;
            var options = new ImportOptions(
                result.GetValue(name) ?? ClassName(kind == "scmp-flags" ? "ScmpFlags" : path), modelText, spec, result.GetValue(steps),
                result.GetRequiredValue(precision), result.GetRequiredValue(kernel), result.GetValue(wbits), result.GetValue(abits))
            {
                SideFileProblem = FileKind.Problem,
            };
            return Run(kind, path, options, result.GetValue(mpWeight), result.GetValue(mpAct), result.GetValue(outFile), output, error);
        });
        return command;
    }

    private static ImportResult Import(string format, string path, ImportOptions options, string? mpWeight, string? mpAct) => format switch
    {
        "scmp-json" => ScmpImporter.Import(ScmpJson.ReadFile(path), options, path),
        "scmp-flags" => ScmpFlagsImporter.Import(path, options, "scmp-flags"),
        "viditq" => ViditImporter.Import(SafeYaml.ReadFile(path), options, path,
            mpWeight is null ? null : new ViditImporter.MpFile(SafeYaml.ReadFile(mpWeight), mpWeight),
            mpAct is null ? null : new ViditImporter.MpFile(SafeYaml.ReadFile(mpAct), mpAct)),
        "qua2sedimo" => Qua2SeDiMoImporter.Import(PickleReader.ReadFile(path), options, path),
        _ => ReadDitas(path, options),
    };

    private static ImportResult ReadDitas(string path, ImportOptions options)
    {
        var (assignments, others) = DitasConfig.ReadFile(path);
        return DitasInterop.Import(assignments, others, options, path);
    }

    private static int Run(string format, string path, ImportOptions options, string? mpWeight, string? mpAct, string? outFile, TextWriter output, TextWriter error)
    {
        if ((mpWeight is not null || mpAct is not null) && format != "viditq")
        {
            error.WriteLine("qrecipe: --mp-weight and --mp-act belong to the viditq format");
            return CliApp.UsageError;
        }
        if ((format != "scmp-flags" && !InputFile.Exists("import", path, error)) || !InputFile.Exists("--mp-weight", mpWeight, error) || !InputFile.Exists("--mp-act", mpAct, error))
            return CliApp.UsageError;
        ImportResult imported;
        try
        {
            imported = Import(format, path, options, mpWeight, mpAct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"qrecipe: cannot read {SafeText.Escape(path)}: {SafeText.Escape(e.Message)}");
            return CliApp.UsageError;
        }
        catch (InteropException e)
        {
            foreach (var line in e.Message.Split('\n'))
                error.WriteLine("qrecipe: " + SafeText.Escape(line));
            return CliApp.RecipeErrors;
        }
        foreach (var diagnostic in imported.Diagnostics)
            error.WriteLine(SafeText.Escape(diagnostic.ToString()));
        // The options (steps, precision, bits, name) are the user's words: check the recipe they make before writing it.
        var target = outFile ?? "imported.qrecipe";
        var compilation = RecipeCompiler.Compile(imported.Recipe, target);
        foreach (var diagnostic in compilation.Diagnostics)
            error.WriteLine(diagnostic);
        if (compilation.HasErrors)
        {
            error.WriteLine("qrecipe: the imported recipe does not compile with these options; nothing written");
            return CliApp.RecipeErrors;
        }
        var text = RecipeFormatter.Format(imported.Recipe, target).Text;
        if (outFile is null)
            output.Write(text);
        else
            RecipeFiles.WriteAtomically(outFile, text);
        return 0;
    }

    /// <summary>The model an option names, read by the recipe compiler itself so catalogue names and custom shapes
    /// mean exactly what they mean in a recipe.</summary>
    private static ModelSpec? ResolveModel(string modelText, TextWriter error)
    {
        var header = RecipeCompiler.Compile($"recipe ModelOption\nmodel {modelText}\nsampler ddpm steps 1\n", "--model");
        if (header.Plan is { } plan)
            return plan.Model;
        foreach (var diagnostic in header.Diagnostics.Where(d => d.IsError))
            error.WriteLine($"qrecipe: --model {SafeText.Escape(modelText)}: {SafeText.Escape(diagnostic.Message)}");
        return null;
    }

    /// <summary>PascalCase class name from a file name: <c>sc-map_28.json</c> → <c>ScMap28</c>.</summary>
    internal static string ClassName(string path)
    {
        var words = new string(Path.GetFileNameWithoutExtension(path).Select(c => char.IsAsciiLetterOrDigit(c) ? c : ' ').ToArray())
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var name = new StringBuilder();
        foreach (var word in words)
            name.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
        return name.Length == 0 || char.IsAsciiDigit(name[0]) ? "Scmp" + name : name.ToString();
    }
}
