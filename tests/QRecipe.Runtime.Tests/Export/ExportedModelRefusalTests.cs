using System;
using System.IO;
using System.Text;
using System.Text.Json.Nodes;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.Export;

namespace QRecipe.Runtime.Tests.Export;

/// <summary>Exported files that are damaged, tampered with or made from another recipe are refused with one line naming
/// the file and the problem.</summary>
public sealed class ExportedModelRefusalTests : IDisposable
{
    private readonly ExportTestFiles _files = new();
    private readonly string _text = File.ReadAllText(ExportTestFiles.DataPath("tiny_export.qrecipe"));
    private readonly byte[] _bytes = File.ReadAllBytes(ExportTestFiles.DataPath("tiny_export.safetensors"));

    private string Refusal(byte[] bytes, string? text = null)
    {
        var path = Path.Combine(_files.Folder, $"{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, bytes);
        var recipe = text ?? _text;
        var e = Assert.Throws<CheckpointException>(() => ExportedModel.Load(path, ExportTestFiles.Compile(recipe), recipe, CpuBackend.Instance));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        return e.Message;
    }

    /// <summary>The file with its header changed by <paramref name="edit"/> and the data section kept.</summary>
    private byte[] WithHeader(Action<JsonObject> edit)
    {
        var length = (int)BitConverter.ToUInt64(_bytes, 0);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(_bytes, 8, length))!.AsObject();
        edit(header);
        var text = Encoding.UTF8.GetBytes(header.ToJsonString());
        return [.. BitConverter.GetBytes((ulong)text.Length), .. text, .. _bytes.AsSpan(8 + length)];
    }

    private byte[] WithLayout(Func<string, string> edit) => WithHeader(h =>
    {
        var metadata = h["__metadata__"]!.AsObject();
        metadata["layout"] = edit(metadata["layout"]!.GetValue<string>());
    });

    [Fact]
    public void A_model_exported_from_another_recipe_is_refused_by_its_recipe_hash()
    {
        var message = Refusal(_bytes, _text + "// one more comment\n");
        Assert.Contains("was exported from another recipe (recipe SHA-256 9d755bb4", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        Assert.Contains("truncated", Refusal(_bytes[..(_bytes.Length - 100)]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_layout_that_disagrees_with_the_recipe_is_refused()
    {
        var message = Refusal(WithLayout(l => l.Replace("\"bits\":4,", "\"bits\":5,", StringComparison.Ordinal)));
        Assert.Contains("describes blocks.0.attn.qkv steps 0-1 as uniform 'int4 group 16 symmetric rtn' of 5 bits", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_the_layout_does_not_describe_is_refused()
    {
        var message = Refusal(WithHeader(h => h["extra"] = JsonNode.Parse("""{"dtype":"U8","shape":[0],"data_offsets":[0,0]}""")));
        Assert.Contains("holds tensor 'extra', which its layout does not describe", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Codes_of_the_wrong_dtype_are_refused()
    {
        // The same 512 bytes declared as 128 float32 values.
        var message = Refusal(WithHeader(h =>
        {
            var codes = h["blocks.0.attn.proj.weight.q4"]!.AsObject();
            codes["dtype"] = "F32";
            codes["shape"] = new JsonArray(128);
        }));
        Assert.Contains("tensor blocks.0.attn.proj.weight.q4 Float32 [128] should be U8 [512]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_of_another_format_is_refused()
    {
        var message = Refusal(WithHeader(h => h["__metadata__"]!.AsObject()["format"] = "something-else"));
        Assert.Contains("not a model written by 'qrecipe export-model'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_point_that_is_not_a_whole_number_is_refused()
    {
        // fc1 is int3 per-channel asymmetric: its zero tensor follows its scales; overwrite its first value with 0.5.
        var length = (int)BitConverter.ToUInt64(_bytes, 0);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(_bytes, 8, length))!.AsObject();
        var begin = header["blocks.0.mlp.fc1.weight.zero"]!["data_offsets"]![0]!.GetValue<int>();
        var bytes = (byte[])_bytes.Clone();
        BitConverter.GetBytes(0.5f).CopyTo(bytes, 8 + length + begin);
        Assert.Contains("zero point 0.5 of group 0 of blocks.0.mlp.fc1 steps 0-3 is not a whole number", Refusal(bytes), StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();
}
