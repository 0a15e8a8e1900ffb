using System.IO;
using QRecipe.Interop.Pickle;
using QRecipe.Plan;

namespace QRecipe.Cli.Tests.Interop;

/// <summary>Qua2SeDiMo per-layer configs: the restricted unpickler, import, and export in Python's own byte layout.</summary>
public sealed class Qua2SeDiMoInteropTests
{
    [Fact]
    public void Config_made_by_python_round_trips_byte_for_byte()
    {
        using var folder = new TempFolder();
        var original = InteropFiles.Data("q2s_two_blocks.pkl");
        var (plan, recipe, _) = InteropFiles.Import(folder, "import", "qua2sedimo", original, "--model", InteropFiles.TwoBlocks);
        // The values make_qua2sedimo_configs.py wrote: attention K-Means-C-3 in block 0, UAQ-3 in block 1, MLP K-Means-A-4.
        Assert.Equal(new WeightQuant(3, Granularity.PerChannel, 0, true, WeightMethod.KMeansC), plan.Get(new Step(7), new Block(0), Operator.Qkv).Weights with { Symmetric = true });
        Assert.Equal(WeightMethod.Uaq, plan.Get(new Step(0), new Block(1), Operator.Proj).Weights.Method);
        Assert.False(plan.Get(new Step(0), new Block(1), Operator.Proj).Weights.Symmetric);
        Assert.Equal((4, WeightMethod.KMeansA, Granularity.PerTensor), (plan.Get(new Step(0), new Block(1), Operator.Fc2).Weights.Bits, plan.Get(new Step(0), new Block(1), Operator.Fc2).Weights.Method, plan.Get(new Step(0), new Block(1), Operator.Fc2).Weights.Granularity));
        Assert.Equal((3, WeightMethod.KMeansA), (plan.GetGlobal(0, Operator.Final).Weights.Bits, plan.GetGlobal(0, Operator.Final).Weights.Method));
        Assert.True(plan.Get(new Step(0), new Block(0), Operator.Fc1).Activations.IsFloat);

        var exported = folder.File("exported.pkl");
        var (code, _, error) = CliRunner.Run("export", "--format", "qua2sedimo", recipe, "--out", exported);
        Assert.True(code == 0, error);
        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(exported));
    }

    [Fact]
    public void Export_refuses_what_the_config_cannot_hold_and_lists_it()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("r.qrecipe", $"recipe R\nmodel {InteropFiles.TwoBlocks}\nsampler ddpm steps 4\nweights int4 per-channel asymmetric uaq\nweights int8 on fc2\nweights int4 per-channel asymmetric uaq on embed, final\nat steps 0 {{ weights int3 per-channel asymmetric uaq on proj }}\n");
        var (code, _, error) = CliRunner.Run("export", "--format", "qua2sedimo", recipe, "--out", folder.File("x.pkl"));
        Assert.Equal(1, code);
        Assert.Contains("QR0906", error);
        Assert.Contains("block 0 fc2: weights int8", error);
        Assert.Contains("block 1 proj: weights change at step 1", error);
        Assert.False(File.Exists(folder.File("x.pkl")));
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x04, 0x63, (byte)'o', (byte)'s', 0x0A, (byte)'s', (byte)'y', (byte)'s', (byte)'t', (byte)'e', (byte)'m', 0x0A, 0x2E }, "GLOBAL (0x63) at offset 2")]
    [InlineData(new byte[] { 0x80, 0x02, 0x7D, 0x52, 0x2E }, "REDUCE (0x52) at offset 3")]
    [InlineData(new byte[] { 0x80, 0x02, 0x7D, 0x69, 0x2E }, "INST (0x69) at offset 3")]
    [InlineData(new byte[] { 0x80, 0x04, 0xFF, 0x2E }, "0xFF (not a pickle opcode) at offset 2")]
    [InlineData(new byte[] { 0x80, 0x04, 0x7D, 0x94, 0x8C, 0x05, 0x61, 0x62 }, "needs 5 bytes but 2 are left")]
    [InlineData(new byte[] { 0x80, 0x04, 0x7D }, "ends at offset 3 without STOP")]
    [InlineData(new byte[] { 0x80, 0x04, 0x8D, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x2E }, "needs 9223372036854775807 bytes")]
    [InlineData(new byte[] { 0x80, 0x04, 0x58, 0xFF, 0xFF, 0xFF, 0xFF, 0x2E }, "needs 4294967295 bytes")]
    [InlineData(new byte[] { 0x80, 0x01, 0x7D, 0x2E }, "protocol 1 at offset 0")]
    [InlineData(new byte[] { 0x80, 0x04, 0x68, 0x07, 0x2E }, "memo entry 7, which was never stored")]
    public void Hostile_pickles_are_refused_with_one_line_naming_the_opcode_and_offset(byte[] bytes, string expected)
    {
        using var folder = new TempFolder();
        var file = folder.File("bad.pkl");
        File.WriteAllBytes(file, bytes);
        var (code, output, error) = CliRunner.Run("import", "qua2sedimo", file);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Deep_nesting_is_read_without_recursion_and_refused_for_its_shape()
    {
        // 500,000 lists, each appended into the one before: no stack, no recursion, one line.
        const int depth = 500_000;
        var bytes = new MemoryStream();
        bytes.Write(new byte[] { 0x80, 0x04 });
        for (var i = 0; i < depth; i++)
            bytes.WriteByte(0x5D);
        for (var i = 0; i < depth - 1; i++)
            bytes.WriteByte(0x61);
        bytes.WriteByte(0x2E);
        var value = PickleReader.Read(bytes.ToArray(), "deep.pkl");
        Assert.IsType<System.Collections.Generic.List<object?>>(value);
        using var folder = new TempFolder();
        var file = folder.File("deep.pkl");
        File.WriteAllBytes(file, bytes.ToArray());
        var (code, _, error) = CliRunner.Run("import", "qua2sedimo", file);
        Assert.Equal(1, code);
        Assert.Contains("holds a list, not a dict", error);
    }

    [Fact]
    public void More_values_than_the_limit_are_refused()
    {
        var bytes = new byte[PickleReader.MaxValues + 4];
        bytes[0] = 0x80;
        bytes[1] = 0x04;
        System.MemoryExtensions.AsSpan(bytes, 2).Fill(0x4E); // NONE, a million and more times
        var error = Assert.Throws<QRecipe.Interop.InteropException>(() => PickleReader.Read(bytes, "many.pkl"));
        Assert.Contains($"more than {PickleReader.MaxValues} values", error.Message);
    }

    [Fact]
    public void Quant_cache_records_and_unknown_methods_are_refused_with_the_key()
    {
        using var folder = new TempFolder();
        // {'model.proj_out_1.weight_quantizer': ['mse-4', 1, 2, 0.5]} and {'…': 'gptq-4'} written by hand.
        var record = folder.File("rec.pkl");
        var key = "model.proj_out_1.weight_quantizer"u8.ToArray();
        File.WriteAllBytes(record, [0x80, 0x04, 0x7D, 0x8C, (byte)key.Length, .. key, 0x5D, 0x28, 0x8C, 0x05, .. "mse-4"u8.ToArray(), 0x4B, 0x01, 0x65, 0x73, 0x2E]);
        var (code, _, error) = CliRunner.Run("import", "qua2sedimo", record);
        Assert.Equal(1, code);
        Assert.Contains("['model.proj_out_1.weight_quantizer'] is a list", error);
        Assert.Contains("quant_cache", error);

        var method = folder.File("method.pkl");
        File.WriteAllBytes(method, [0x80, 0x04, 0x7D, 0x8C, (byte)key.Length, .. key, 0x8C, 0x06, .. "gptq-4"u8.ToArray(), 0x73, 0x2E]);
        (code, _, error) = CliRunner.Run("import", "qua2sedimo", method);
        Assert.Equal(1, code);
        Assert.Contains("'gptq-4'", error);
    }

    [Fact]
    public void Missing_layers_and_unknown_names_are_diagnostics()
    {
        using var folder = new TempFolder();
        var file = folder.File("partial.pkl");
        var known = "model.transformer_blocks.0.ff.net.2.weight_quantizer"u8.ToArray();
        var unknown = "model.transformer_blocks.0.ff.net.3.weight_quantizer"u8.ToArray();
        File.WriteAllBytes(file, [0x80, 0x04, 0x7D, 0x28, 0x8C, (byte)known.Length, .. known, 0x8C, 0x05, .. "mse-4"u8.ToArray(), 0x8C, (byte)unknown.Length, .. unknown, 0x8C, 0x05, .. "mse-3"u8.ToArray(), 0x75, 0x2E]);
        var (plan, recipe, error) = InteropFiles.Import(folder, "import", "qua2sedimo", file, "--model", InteropFiles.TwoBlocks);
        Assert.Contains("warning QR0901: 1 names match no weight quantizer", error);
        Assert.Contains("warning QR0900: 20 weight layers have no entry", error);
        Assert.Contains("// 20 weight layers have no entry", File.ReadAllText(recipe));
        Assert.Equal(4, plan.Get(new Step(0), new Block(0), Operator.Fc2).Weights.Bits);
        Assert.True(plan.Get(new Step(0), new Block(1), Operator.Fc2).Weights.IsFloat);
    }
}
