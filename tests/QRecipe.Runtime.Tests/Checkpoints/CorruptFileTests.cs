using System;
using System.IO;
using QRecipe.Runtime.Checkpoints;

namespace QRecipe.Runtime.Tests.Checkpoints;

/// <summary>Truncated and damaged files must fail with a <see cref="CheckpointException"/> naming the file, never with another exception.</summary>
public sealed class CorruptFileTests
{
    [Theory]
    [InlineData("dit_tiny_f32.pt")]
    [InlineData("views.pt")]
    [InlineData("dit_tiny.safetensors")]
    [InlineData("dit_tiny_diffusers.safetensors")]
    public void Every_truncation_is_reported(string name)
    {
        string source = CheckpointData.PathOf(name);
        long length = new FileInfo(source).Length;
        foreach (long cut in new[] { 0, 1, 5, 8, 9, 100, length / 3, length / 2, length - 100, length - 23, length - 1 })
        {
            using var file = TempFile.Truncated(source, cut);

            var error = Assert.Throws<CheckpointException>(() => Load(file.Path));

            Assert.Equal(file.Path, error.File);
        }
    }

    [Theory]
    [InlineData("views.pt")]
    [InlineData("dit_tiny_f16.pt")]
    [InlineData("dit_tiny.safetensors")]
    public void Damaged_bytes_load_or_fail_cleanly(string name)
    {
        var original = File.ReadAllBytes(CheckpointData.PathOf(name));
        var random = new System.Random(7);
        for (int trial = 0; trial < 300; trial++)
        {
            var damaged = (byte[])original.Clone();
            // Damage where the structure is: the header region and the zip directory at the end.
            int at = trial % 2 == 0 ? random.Next(Math.Min(600, damaged.Length)) : damaged.Length - 1 - random.Next(Math.Min(2000, damaged.Length));
            damaged[at] = (byte)random.Next(256);
            using var file = new TempFile(Path.GetExtension(name));
            File.WriteAllBytes(file.Path, damaged);

            try
            {
                Load(file.Path);
            }
            catch (CheckpointException error)
            {
                Assert.Equal(file.Path, error.File);
            }
        }
    }

    [Fact]
    public void Missing_and_unrecognised_files_are_reported()
    {
        using var text = new TempFile(".pt");
        File.WriteAllText(text.Path, "this is not a checkpoint at all");

        Assert.Contains("cannot open the file", Assert.Throws<CheckpointException>(() => Checkpoint.Open("/no/such/model.pt")).Message);
        Assert.Contains("not a recognised checkpoint", Assert.Throws<CheckpointException>(() => Checkpoint.Open(text.Path)).Message);
    }

    private static void Load(string path)
    {
        using var checkpoint = Checkpoint.Open(path);
        checkpoint.Tensors.ToArrays();
    }
}
