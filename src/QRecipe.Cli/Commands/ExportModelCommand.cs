using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using QRecipe.Cli.Run;
using QRecipe.Plan.Text;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Export;
using QRecipe.Runtime.IO;
using QRecipe.Runtime.Quantization;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe export-model RECIPE [--checkpoint F] --out model.safetensors [--force]</c>: the recipe's
/// quantized weights, made as a run makes them, packed into one .safetensors file that <c>qrecipe run RECIPE
/// --model-file</c> runs (docs/export-model.md).</summary>
internal static class ExportModelCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var recipe = new Argument<string>("recipe") { Description = "A .qrecipe file" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "DiT weights to quantize (default: the bundled weights of a model that ships them, as 'qrecipe run')" };
        var outFile = new Option<string>("--out") { Description = "The .safetensors file to write", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace --out when it exists" };
        var command = new Command("export-model", "Quantize a recipe's weights and write them packed into one .safetensors file (docs/export-model.md)");
        command.Arguments.Add(recipe);
        command.Options.Add(checkpoint);
        command.Options.Add(outFile);
        command.Options.Add(force);
        command.SetAction((result, token) => Task.FromResult(Run(result.GetRequiredValue(recipe), result.GetValue(checkpoint), result.GetRequiredValue(outFile),
            result.GetValue(force), output, error, token)));
        return command;
    }

    private static int Run(string recipe, string? checkpoint, string outPath, bool force, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        // The output is checked first: a refusal there costs nothing.
        if (OutputProblem(outPath, force) is { } problem)
        {
            error.WriteLine($"qrecipe: --out {SafeText.Escape(outPath)} {problem}");
            return CliApp.UsageError;
        }
        var status = RecipeFiles.TryCompileOne(recipe, output, error, out var plan, out _, out var text);
        if (plan is null || text is null)
            return status;
        if (checkpoint is null && !ModelWeights.TryBundled(plan.Model, error, out checkpoint))
            return CliApp.RecipeErrors;
        if (checkpoint is null)
        {
            error.WriteLine($"qrecipe: {plan.Name} runs {plan.Model.Name}, whose weights do not ship with qrecipe: pass --checkpoint PATH");
            return CliApp.UsageError;
        }
        if (!InputFile.Exists("--checkpoint", checkpoint, error))
            return CliApp.UsageError;
        if (!ModelWeights.Opens(checkpoint, plan.Model, error))
            return CliApp.RecipeErrors;
        try
        {
            var clock = Stopwatch.StartNew();
            // Calibration, smoothing and quantization report progress as in a run (GPTQ on a DiT-XL/2 takes minutes).
            var view = new RunProgressView(output, TextWriter.Null);
            var (file, summary) = view.Show(() => ModelExporter.Export(plan, text, checkpoint, ComputeDevices.Cpu.Tensors, view, cancellation));
            var quantizeTime = clock.Elapsed;
            AtomicFile.Write(outPath, file.WriteTo);
            var written = new FileInfo(outPath).Length;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{plan.Name}: wrote {SafeText.Escape(outPath)}, {written:N0} bytes ({summary.Tensors} tensors, {summary.Versions} quantized weight versions); "
                + $"float checkpoint {summary.CheckpointBytes:N0} bytes ({(double)summary.CheckpointBytes / written:0.00}x); quantized in {quantizeTime.TotalSeconds:0.00} s, written in {(clock.Elapsed - quantizeTime).TotalSeconds:0.00} s"));
            return 0;
        }
        catch (Exception e) when (e is CheckpointException or QuantizationException or InvalidDataException)
        {
            error.WriteLine($"qrecipe: {e.Message}; nothing was written");
            return CliApp.RecipeErrors;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("qrecipe: cancelled; nothing was written");
            return RunCommand.Cancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"qrecipe: {e.Message}");
            return CliApp.RuntimeFailure;
        }
    }

    /// <summary>Why the output path cannot be written, or null: a folder, an existing file without --force, a missing
    /// folder to write into.</summary>
    private static string? OutputProblem(string path, bool force)
    {
        if (Directory.Exists(path))
            return "is a folder; give the file to write";
        if (File.Exists(path) && !force)
            return "exists; pass --force to replace it";
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
            return $"is in a folder that does not exist ({SafeText.Escape(folder)})";
        return null;
    }
}
