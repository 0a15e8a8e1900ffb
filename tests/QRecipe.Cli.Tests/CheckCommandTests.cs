using System.IO;

namespace QRecipe.Cli.Tests;

public sealed class CheckCommandTests
{
    [Fact]
    public void Every_bundled_recipe_checks_without_errors()
    {
        var (code, output, error) = CliRunner.Run("check", CliRunner.RecipesFolder);
        Assert.Equal(string.Empty, error);
        Assert.Equal(0, code);
        var count = Directory.GetFiles(CliRunner.RecipesFolder, "*.qrecipe").Length;
        Assert.Contains($"{count} recipe{(count == 1 ? "" : "s")} checked, no errors", output);
    }

    [Fact]
    public void Summary_gives_the_stream_sum_and_bit_operations_per_image()
    {
        var (code, output, _) = CliRunner.Run("check", Path.Combine(CliRunner.RecipesFolder, "fmnist_w4a8_sc.qrecipe"));
        Assert.Equal(0, code);
        // qk and av at 256 in 6 blocks: 12 × 256 = 3072 per step, over 50 steps 153600.
        Assert.Contains("SC stream sum 3072 per step, 153600 over 50 steps", output);
        // 50 steps at CFG 4 = 100 forward passes. Per pass: block linear layers 9732096 MACs at 4 × 8 bits, qk and av
        // 614656 at 8 × 8, embed and final 301056 in float (32 × 32), in 6 blocks: 2412871680 bit operations; of
        // 62381568 × 1024 in float32, 3.8%; 38.7 per MAC. Qua2SeDiMo: 4 × 16, 16 × 16, 16 × 16: 4758306816 per pass.
        Assert.Contains("bit operations 2.413e+11 per image (3.8% of float32), 38.7 per MAC; Qua2SeDiMo's estimate 0.476 TBOPs", output);
    }

    [Fact]
    public void Summary_counts_sc_cells_of_the_default_recipe()
    {
        var (code, output, _) = CliRunner.Run("check", Path.Combine(CliRunner.RecipesFolder, "dit_w4a8_sc.qrecipe"));
        Assert.Equal(0, code);
        // qk: SC in the noisiest 25 of 50 steps in blocks 1..26 (blocks 0 and 27 are off) = 25 x 26 cells.
        Assert.Matches(@"qk .* 650/1400 +83\.2 ", output);
        // av: blocks 1..13 in all 50 steps; mp levels capped at 128 (heads 0..7) and 64 (heads 8..15): mean L 60.8.
        Assert.Matches(@"av .* 650/1400 +60\.8 ", output);
        // fc1: blocks 1..21 in all 50 steps.
        Assert.Matches(@"fc1 .* 1050/1400", output);
    }

    [Fact]
    public void Errors_are_printed_with_file_position_and_exit_code_1()
    {
        var file = TempRecipe("recipe Bad\nmodel dit-xl/2\nsampler ddpm steps 50\nweights int4 on fc9\n");
        var (code, _, error) = CliRunner.Run("check", file);
        Assert.Equal(1, code);
        Assert.Contains($"{file}(4,17): error QR0300: unknown operator 'fc9'", error);
    }

    [Fact]
    public void A_line_separator_in_the_description_is_QR0008_with_its_position()
    {
        // The description would end a /// comment in the generated class; check refuses it before any build.
        using var folder = new TempFolder();
        var file = folder.File("hostile.qrecipe",
            "recipe Hostile \"safe\u2028} [System.Runtime.CompilerServices.ModuleInitializer] internal static void X() { } /*\"\nmodel dit-xl/2\nsampler ddpm steps 50\n");
        var (code, output, error) = CliRunner.Run("check", file);

        Assert.Equal(1, code);
        Assert.Contains($"{file}(1,21): error QR0008: line separator U+2028 in a string", error);
        Assert.DoesNotContain('\u2028', error + output);
    }

    [Fact]
    public void A_missing_path_is_reported_without_a_stack_trace()
    {
        var (code, _, error) = CliRunner.Run("check", "no/such/file.qrecipe");
        Assert.Equal(2, code);
        Assert.Contains("'no/such/file.qrecipe' does not exist", error);
        Assert.DoesNotContain("   at ", error);
    }

    internal static string TempRecipe(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), "qrecipe-cli-" + System.Guid.NewGuid().ToString("N") + ".qrecipe");
        File.WriteAllText(path, text);
        return path;
    }
}
