using System;
using System.IO;
using System.Linq;

namespace QRecipe.Cli.Tests;

/// <summary><c>qrecipe export-model</c> and <c>qrecipe run --model-file</c>: the bundled model's export runs to the same
/// latents as the recipe's own run, and every bad input is one line with the documented exit code and no file left.</summary>
public sealed class ExportModelCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string Recipe(string name = "w4a8.qrecipe", string extra = "") => _folder.File(name,
        File.ReadAllText(Path.Combine(CliRunner.RecipesFolder, "fmnist_w4a8.qrecipe")).Replace("steps 50", "steps 3", StringComparison.Ordinal) + extra);

    private string[] Files() => Directory.GetFiles(_folder.Path).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void A_run_from_the_exported_bundled_model_writes_the_same_latents_as_the_recipe_run()
    {
        var recipe = Recipe();
        var model = Path.Combine(_folder.Path, "model.safetensors");
        var (code, output, error) = CliRunner.Run("export-model", recipe, "--out", model);
        Assert.True(code == 0, error);
        Assert.Contains("FmnistW4A8: wrote", output, StringComparison.Ordinal);
        // The float checkpoint is 7.5 MB of float32; 4-bit blocks with float embedders and final layer take well under a third.
        Assert.InRange(new FileInfo(model).Length, 1, 7_516_528 / 3);
        var direct = Path.Combine(_folder.Path, "direct");
        var exported = Path.Combine(_folder.Path, "exported");
        (code, _, error) = CliRunner.Run("run", recipe, "--samples", "2", "--out", direct);
        Assert.True(code == 0, error);
        (code, _, error) = CliRunner.Run("run", recipe, "--samples", "2", "--model-file", model, "--out", exported);
        Assert.True(code == 0, error);
        static byte[] Latents(string root) => File.ReadAllBytes(Path.Combine(Directory.GetDirectories(root).Single(), "latents.npy"));
        Assert.Equal(Latents(direct), Latents(exported));
    }

    [Fact]
    public void An_existing_output_is_kept_without_force_and_a_folder_is_refused()
    {
        var recipe = Recipe();
        var existing = _folder.File("model.safetensors", "keep me");
        var (code, _, error) = CliRunner.Run("export-model", recipe, "--out", existing);
        Assert.Equal(2, code);
        Assert.Equal($"qrecipe: --out {existing} exists; pass --force to replace it", error.Trim());
        Assert.Equal("keep me", File.ReadAllText(existing));
        (code, _, error) = CliRunner.Run("export-model", recipe, "--out", _folder.Path);
        Assert.Equal(2, code);
        Assert.Equal($"qrecipe: --out {_folder.Path} is a folder; give the file to write", error.Trim());
    }

    [Fact]
    public void A_checkpoint_with_an_infinite_weight_fails_in_one_line_and_leaves_no_file()
    {
        var recipe = _folder.File("tiny.qrecipe", $"recipe Tiny\n{TinyDitCheckpoint.ModelLine}\nsampler ddim steps 2 cfg 1\nweights int4 per-channel on qkv\n");
        var checkpoint = TinyDitCheckpoint.Write(Path.Combine(_folder.Path, "tiny.safetensors"), t => t["blocks.1.mlp.fc2.weight"][5] = float.PositiveInfinity);
        var (code, _, error) = CliRunner.Run("export-model", recipe, "--checkpoint", checkpoint, "--out", Path.Combine(_folder.Path, "out.safetensors"));
        Assert.Equal(1, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("blocks.1.mlp.fc2.weight", error, StringComparison.Ordinal);
        Assert.EndsWith("nothing was written", error.Trim(), StringComparison.Ordinal);
        Assert.Equal(new[] { "tiny.qrecipe", "tiny.safetensors" }, Files());
    }

    [Fact]
    public void A_model_file_from_another_recipe_is_refused_before_any_result_folder()
    {
        var model = Path.Combine(_folder.Path, "model.safetensors");
        var (code, _, error) = CliRunner.Run("export-model", Recipe(), "--out", model);
        Assert.True(code == 0, error);
        var other = Recipe("other.qrecipe", "// changed\n");
        var results = Path.Combine(_folder.Path, "results");
        (code, _, error) = CliRunner.Run("run", other, "--samples", "1", "--model-file", model, "--out", results);
        Assert.Equal(1, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("was exported from another recipe", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(results));
    }

    [Fact]
    public void A_truncated_model_file_is_one_line_with_exit_1()
    {
        var model = Path.Combine(_folder.Path, "model.safetensors");
        var recipe = Recipe();
        var (code, _, error) = CliRunner.Run("export-model", recipe, "--out", model);
        Assert.True(code == 0, error);
        var bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);
        (code, _, error) = CliRunner.Run("run", recipe, "--samples", "1", "--model-file", model, "--out", Path.Combine(_folder.Path, "results"));
        Assert.Equal(1, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("truncated", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_file_excludes_checkpoint_and_compare_fp()
    {
        var (code, _, error) = CliRunner.Run("run", Recipe(), "--model-file", "m.safetensors", "--compare-fp");
        Assert.Equal(2, code);
        Assert.Equal("qrecipe: --model-file runs the exported weights; it excludes --checkpoint, --synthetic, --compare-fp and --shard", error.Trim());
    }

    public void Dispose() => _folder.Dispose();
}
