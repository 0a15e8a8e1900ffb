using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Tests;

/// <summary>sc matmul on hostile inputs: exit codes as docs/cli.md's table gives them, and products too large for
/// this machine refused in one line before anything of their size is allocated.</summary>
public sealed class ScMatmulLimitTests
{
    private static float[] Values(int count) => Enumerable.Range(0, count).Select(i => (float)Math.Cos(i * 0.37)).ToArray();

    [Fact]
    public void A_missing_operand_is_2_and_a_malformed_one_is_1()
    {
        using var folder = new TempFolder();
        var b = folder.File("b.npy");
        NpyFile.WriteSingles(b, Values(8), 2, 4);
        var missing = folder.File("missing.npy");
        var (code, _, error) = CliRunner.Run("sc", "matmul", "--a", missing, "--b", b);
        Assert.Equal(2, code);
        Assert.Equal($"qrecipe: --a {missing}: no such file\n", error);

        var text = folder.File("text.npy", "not an array");
        (code, _, error) = CliRunner.Run("sc", "matmul", "--a", b, "--b", text);
        Assert.Equal(1, code);
        Assert.Equal($"qrecipe: {text}: not a .npy file (it does not start with \\x93NUMPY)\n", error);
    }

    [Fact]
    public void A_product_with_more_elements_than_one_array_holds_is_refused()
    {
        using var folder = new TempFolder();
        // 50,000 x 50,000 = 2.5e9 outputs from two 200 kB files: past 2^31 - 1, which n * m in int arithmetic wrapped.
        var a = folder.File("a.npy");
        NpyFile.WriteSingles(a, Values(50_000), 50_000, 1);
        var (code, _, error) = CliRunner.Run("sc", "matmul", "--a", a, "--b", a);
        Assert.Equal(1, code);
        Assert.Equal("qrecipe: sc matmul: the product of a (50000, 1) and b (50000, 1) has 2500000000 elements; one array holds at most 2147483591\n", error);
    }

    /// <summary>p = 15 at full length: the enable kernel's C table of one dimension has (L + 1) rows of L 16-bit counts,
    /// 32769 x 32768 x 2 bytes = 2.0 GiB, however small the operands. Under a 256 MiB heap limit (the CLI as a process)
    /// the command must refuse it in one line; it used to die of an out-of-memory exception.</summary>
    [Fact]
    public async Task Precision_15_is_refused_where_its_tables_cannot_fit()
    {
        using var folder = new TempFolder();
        var a = folder.File("a.npy");
        var b = folder.File("b.npy");
        NpyFile.WriteSingles(a, Values(4 * 64), 4, 64);
        NpyFile.WriteSingles(b, Values(8 * 64), 8, 64);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x10000000";
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "qrecipe.dll"), "sc", "matmul", "--a", a, "--b", b, "--precision", "15" })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "sc matmul did not end");
        Assert.Equal(string.Empty, output);
        Assert.Equal($"qrecipe: sc matmul --precision 15 --stream 32768 on a (4, 64) and b (8, 64) needs at least 2.0 GiB (operands 0.0 MiB, tables 2.0 GiB, products 0.0 MiB); 256.0 MiB is available\n",
            await error);
        Assert.Equal(1, process.ExitCode);
    }
}
