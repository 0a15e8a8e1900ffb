using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace QRecipe.Cli.Tests;

/// <summary>A named pipe given where the CLI reads a file: opening one for reading waits until something writes to it,
/// so every input is checked to be a regular file first and refused in one line, within seconds.</summary>
public sealed class NamedPipeInputTests
{
    private const string Tiny = "recipe Tiny\nmodel custom { depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }\nsampler ddim steps 4 cfg 1.5\nweights int8\n";

    public static TheoryData<string, int> RecipeCommands() => new() { { "check", 2 }, { "fmt", 2 }, { "explain", 2 }, { "run", 2 }, { "export", 2 } };

    [Theory]
    [MemberData(nameof(RecipeCommands))]
    public void A_named_pipe_as_the_recipe_is_refused(string command, int expectedCode)
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var folder = new TempFolder();
        var pipe = Fifo(folder, "recipe.qrecipe");
        var args = command switch
        {
            "run" => new[] { "run", pipe, "--synthetic", "--out", Path.Combine(folder.Path, "r") },
            "export" => new[] { "export", "--format", "scmp-json", pipe },
            _ => new[] { command, pipe },
        };
        var (code, _, error) = RunWithin(pipe, args);
        Assert.Equal(expectedCode, code);
        Assert.Equal($"qrecipe: '{pipe}' is a named pipe, not a regular file\n", error);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "r")));
    }

    [Fact]
    public void A_named_pipe_in_a_folder_of_recipes_is_refused_as_a_recipe_error()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var folder = new TempFolder();
        var pipe = Fifo(folder, "b.qrecipe");
        folder.File("a.qrecipe", Tiny);
        var (code, output, error) = RunWithin(pipe, "check", folder.Path);
        Assert.Equal(1, code);
        Assert.Equal($"{pipe}: error QR0801: is a named pipe, not a regular file\n", error);
        Assert.EndsWith("2 recipes checked, 1 with errors\n", output);
    }

    public static TheoryData<string> RunFileOptions() => new() { "--noise", "--checkpoint", "--vae" };

    [Theory]
    [MemberData(nameof(RunFileOptions))]
    public void A_named_pipe_as_a_run_input_is_a_usage_error(string option)
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var folder = new TempFolder();
        var pipe = Fifo(folder, "input");
        var recipe = folder.File("tiny.qrecipe", Tiny);
        var synthetic = option == "--checkpoint" ? Array.Empty<string>() : new[] { "--synthetic" };
        var (code, _, error) = RunWithin(pipe, ["run", recipe, "--out", Path.Combine(folder.Path, "r"), .. synthetic, option, pipe]);
        Assert.Equal(2, code);
        Assert.Equal($"qrecipe: {option} {pipe} is a named pipe, not a regular file\n", error);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "r")));
    }

    [Fact]
    public void Named_pipes_as_eval_import_merge_and_sc_matmul_inputs_are_refused()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var folder = new TempFolder();
        var pipe = Fifo(folder, "chunk-000000.npz");
        var line = $"{pipe} is a named pipe, not a regular file\n";
        Assert.Equal((1, "qrecipe: samples " + line), Outcome(RunWithin(pipe, "eval", pipe, "--reference", pipe)));
        Assert.Equal((2, "qrecipe: --features " + line), Outcome(RunWithin(pipe, "eval", folder.File("s.npz", "x"), "--reference", folder.File("r.npz", "x"), "--features", pipe)));
        Assert.Equal((2, "qrecipe: import " + line), Outcome(RunWithin(pipe, "import", "scmp-json", pipe)));
        Assert.Equal((2, "qrecipe: --mp-weight " + line), Outcome(RunWithin(pipe, "import", "viditq", folder.File("q.yaml", "{}"), "--mp-weight", pipe)));
        Assert.Equal((1, "qrecipe: " + line), Outcome(RunWithin(pipe, "merge", folder.Path, "--out", Path.Combine(folder.Path, "merged.npz"))));
        Assert.Equal((2, "qrecipe: --a " + line), Outcome(RunWithin(pipe, "sc", "matmul", "--a", pipe, "--b", pipe)));
    }

    [Fact]
    public void A_named_pipe_as_the_config_json_beside_a_vae_is_refused()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var folder = new TempFolder();
        var vae = folder.File("vae.safetensors");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Vae", "tiny_vae.safetensors"), vae);
        var pipe = Fifo(folder, "config.json");
        var (code, _, error) = RunWithin(pipe, "run", folder.File("tiny.qrecipe", Tiny), "--synthetic", "--samples", "1", "--vae", vae, "--out", Path.Combine(folder.Path, "r"));
        Assert.Equal(1, code);
        Assert.StartsWith("qrecipe: VAE ", error);
        Assert.EndsWith($"{pipe}: is a named pipe, not a regular file\n", error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void A_named_pipe_as_the_fp_list_a_vidit_yaml_names_is_refused()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var folder = new TempFolder();
        var pipe = Fifo(folder, "remain_fp.txt");
        var yaml = folder.File("q.yaml", "part_fp_list: ./remain_fp.txt\nquant:\n  weight:\n    quantizer: {n_bits: 4, per_group: 'channel', scale_method: 'min_max', sym: True}\n"
            + "  activation:\n    quantizer: {n_bits: 8, per_group: 'token', sym: False, dynamic: True}\n");
        var (code, _, error) = RunWithin(pipe, "import", "viditq", yaml, "--out", Path.Combine(folder.Path, "r.qrecipe"));
        Assert.Equal((1, $"qrecipe: {yaml}: line 1: part_fp_list {pipe} is a named pipe, not a regular file\n"), (code, error));
        Assert.False(File.Exists(Path.Combine(folder.Path, "r.qrecipe")));
    }

    [Fact]
    public void A_character_device_is_named_as_one()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var folder = new TempFolder();
        var (code, _, error) = CliRunner.Run("run", folder.File("tiny.qrecipe", Tiny), "--synthetic", "--noise", "/dev/null", "--out", Path.Combine(folder.Path, "r"));
        Assert.Equal((2, "qrecipe: --noise /dev/null is a character device, not a regular file\n"), (code, error));
    }

    [Fact]
    public void A_link_to_a_regular_file_is_read()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var folder = new TempFolder();
        var link = Path.Combine(folder.Path, "link.qrecipe");
        File.CreateSymbolicLink(link, folder.File("tiny.qrecipe", Tiny));
        var (code, output, error) = CliRunner.Run("check", link);
        Assert.Equal((0, ""), (code, error));
        Assert.EndsWith("1 recipe checked, no errors\n", output);
    }

    private static (int, string) Outcome((int Code, string Output, string Error) result) => (result.Code, result.Error);

    /// <summary>The CLI in-process, failing the test after 10 s instead of hanging: a reader stuck in open() is then
    /// released by opening the pipe for writing once.</summary>
    private static (int Code, string Output, string Error) RunWithin(string pipe, params string[] args)
    {
        var run = Task.Run(() => CliRunner.Run(args));
        if (run.Wait(TimeSpan.FromSeconds(10)))
            return run.Result;
        using (new FileStream(pipe, FileMode.Open, FileAccess.Write))
        {
        }
        Assert.Fail($"qrecipe {string.Join(' ', args)} did not return within 10 s: it opened the named pipe");
        return default;
    }

    private static string Fifo(TempFolder folder, string name)
    {
        var path = folder.File(name);
        Assert.True(MakeFifo(path, Convert.ToUInt32("600", 8)) == 0, $"mkfifo failed with errno {Marshal.GetLastPInvokeError()}");
        return path;
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo(string path, uint mode);
}
