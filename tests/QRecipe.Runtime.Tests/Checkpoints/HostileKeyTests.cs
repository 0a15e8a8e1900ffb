using System.IO;
using System.Text;
using QRecipe.Runtime.Checkpoints;

namespace QRecipe.Runtime.Tests.Checkpoints;

/// <summary>Key names come from the file: messages escape their control characters and list only the first keys of a
/// long list, so a checkpoint can neither drive the terminal nor produce a million-line error.</summary>
public sealed class HostileKeyTests
{
    private static string Header(int tensors)
    {
        var header = new StringBuilder("{");
        for (var i = 0; i < tensors; i++)
            header.Append(i == 0 ? "" : ",").Append("\"extra.").Append(i).Append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
        return header.Append('}').ToString();
    }

    [Fact]
    public void Fifty_thousand_unexpected_keys_give_a_short_error()
    {
        using var file = new TempFile(".safetensors");
        SafetensorsFileWriter.Write(file.Path, Header(50_000), 0);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.OpenDit(file.Path, CheckpointData.TinyDit));

        var lines = error.Message.Split('\n');
        var missing = DitKeys.Expected(CheckpointData.TinyDit).Count - 1; // pos_embed is optional
        // The first line, a heading and at most 10 keys and one "… and N more" line for each of the two lists.
        Assert.Equal(1 + 2 * (1 + 10 + 1), lines.Length);
        Assert.Contains($"{missing} missing key(s):", error.Message);
        Assert.Contains("50000 unexpected key(s):\n  extra.0 [0]\n  extra.1 [0]", error.Message);
        Assert.Equal("  … and 49,990 more", lines[^1]);
    }

    [Fact]
    public void A_million_tensors_are_refused_before_they_are_checked_one_by_one()
    {
        using var file = new TempFile(".safetensors");
        SafetensorsFileWriter.Write(file.Path, Header(1_000_000), 0);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.OpenDit(file.Path, CheckpointData.TinyDit));

        Assert.Equal($"{file.Path}: the file declares 1000000 tensors; a checkpoint may have at most 100000 (a DiT-XL/2 has 292)", error.Message);
    }

    [Theory]
    [InlineData("blocks.0.\u001b[2J\u001b[Hall checks passed", "blocks.0.\\x1B[2J\\x1B[Hall checks passed")]
    [InlineData("x\nqrecipe: done", "x\\nqrecipe: done")]
    [InlineData("w\u202egnp", "w\\u202Egnp")]
    public void Control_characters_in_key_names_are_escaped(string key, string shown)
    {
        using var file = new TempFile(".pt");
        new TorchFileWriter().Contiguous(key, new[] { 1f, 2f }, 2).Write(file.Path);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.OpenDit(file.Path, CheckpointData.TinyDit));

        Assert.Contains($"\n  {shown} [2]", error.Message);
        Assert.DoesNotContain(error.Message, c => c == '\u001b' || c == '\u202e');
    }

    [Fact]
    public void A_key_that_is_not_a_tensor_is_named_escaped()
    {
        using var file = new TempFile(".pt");
        var pickle = new MemoryStream();
        pickle.Write([0x80, 2, (byte)'}']);
        TorchFileWriter.Unicode(pickle, "k\u001b]0;title\u0007");
        pickle.Write([(byte)'N', (byte)'s', (byte)'.']);
        TorchFileWriter.WriteZip(file.Path, pickle.ToArray());

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(file.Path));

        Assert.Contains("the value of 'k\\x1B]0;title\\x07' is None, not a tensor", error.Message);
    }
}
