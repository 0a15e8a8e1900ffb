using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using QRecipe.Cli.Interop;
using QRecipe.Language;
using QRecipe.Language.Formatting;
using QRecipe.Language.Models;
using QRecipe.Language.Plan;
using QRecipe.Language.Text;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe import scmp-json MAP.json</c>: a compact recipe from scmp's SCPrecisionMap. The map has no
/// model, sampler or quantizers, so those come from options with scmp's defaults.</summary>
internal static class ImportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var format = new Argument<string>("format") { Description = "Input format: scmp-json" };
        format.AcceptOnlyFromAmong("scmp-json");
        var file = new Argument<string>("file") { Description = "The SCPrecisionMap JSON file" };
        var outFile = new Option<string?>("--out") { Description = "Write the recipe to this file instead of standard output" };
        var name = new Option<string?>("--name") { Description = "Recipe (class) name; default from the file name" };
        var model = new Option<string>("--model") { Description = "The model the map was made for: a catalogue name (see 'qrecipe models') or \"custom { depth D hidden H heads N patch P latent S }\"", DefaultValueFactory = _ => "dit-xl/2" };
        var image = new Option<int>("--image") { Description = "Image size, 256 or 512", DefaultValueFactory = _ => ModelCatalog.DefaultImageSize };
        var steps = new Option<int>("--steps") { Description = "Sampling steps T (timewise selects the first ⌊timewise·T⌋)", DefaultValueFactory = _ => 50 };
        var precision = new Option<string>("--precision") { Description = "SC precision: auto (scmp's ⌈log2 L⌉ per length) or P for --sc_fixed_level_prec", DefaultValueFactory = _ => "auto" };
        var kernel = new Option<string>("--kernel") { Description = "SC kernel: enable (--sc_enable), xnor or and", DefaultValueFactory = _ => "enable" };
        kernel.AcceptOnlyFromAmong("enable", "xnor", "and");
        var wbits = new Option<int>("--wbits") { Description = "Weight bits (Q-DiT's --wbits; 0 keeps weights FP)", DefaultValueFactory = _ => 8 };
        var abits = new Option<int>("--abits") { Description = "Activation bits (Q-DiT's --abits; 0 keeps activations FP)", DefaultValueFactory = _ => 8 };
        var command = new Command("import", "Turn another tool's configuration into a compact recipe (scmp-json: scmp's SCPrecisionMap)");
        command.Arguments.Add(format);
        command.Arguments.Add(file);
        foreach (var option in new Option[] { outFile, name, model, image, steps, precision, kernel, wbits, abits })
            command.Options.Add(option);
        command.SetAction(result =>
        {
            var path = result.GetRequiredValue(file);
            var modelName = result.GetRequiredValue(model);
            var imageSize = result.GetValue(image);
            var modelText = modelName.TrimStart().StartsWith("custom", StringComparison.Ordinal) ? modelName : $"{modelName} image {imageSize}";
            if (ResolveModel(modelText, error) is not { } spec)
                return CliApp.UsageError;
            var options = new ImportOptions(
                result.GetValue(name) ?? ClassName(path), modelText, spec, result.GetValue(steps),
                result.GetRequiredValue(precision), result.GetRequiredValue(kernel), result.GetValue(wbits), result.GetValue(abits));
            return Run(path, options, result.GetValue(outFile), output, error);
        });
        return command;
    }

    private static int Run(string path, ImportOptions options, string? outFile, TextWriter output, TextWriter error)
    {
        ScmpImport imported;
        try
        {
            imported = ScmpImporter.Import(ScmpJson.ReadFile(path), options, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"qrecipe: cannot read {SafeText.Escape(path)}: {SafeText.Escape(e.Message)}");
            return CliApp.UsageError;
        }
        catch (InteropException e)
        {
            error.WriteLine("qrecipe: " + SafeText.Escape(e.Message));
            return CliApp.RecipeErrors;
        }
        foreach (var warning in imported.Warnings)
            error.WriteLine("warning: " + SafeText.Escape(warning));
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
