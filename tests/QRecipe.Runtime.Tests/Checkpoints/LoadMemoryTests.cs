using System;
using System.IO;
using System.Linq;
using QRecipe.Runtime.Checkpoints;
using Xunit.Abstractions;

namespace QRecipe.Runtime.Tests.Checkpoints;

/// <summary>
/// Loading must cost the weights' size plus a small constant: tensors are decoded from the mapped file straight
/// into their destination. Measured on a ~100 MB synthetic checkpoint in both formats.
/// </summary>
public sealed class LoadMemoryTests(ITestOutputHelper output)
{
    private const int TensorCount = 25;
    private const int Rows = 1024;
    private const int Columns = 1024;
    private const long WeightBytes = (long)TensorCount * Rows * Columns * sizeof(float);

    // Pickle, directory, entries and bookkeeping; a whole-file or per-tensor byte[] would exceed it many times.
    private const long SmallConstant = 1 << 20;

    [Theory]
    [InlineData(".pt")]
    [InlineData(".safetensors")]
    public void Loading_allocates_no_more_than_the_destination(string extension)
    {
        using var file = new TempFile(extension);
        if (extension == ".pt")
            WriteTorch(file.Path);
        else
            WriteSafetensors(file.Path);
        var destinations = Enumerable.Range(0, TensorCount).Select(_ => new float[Rows * Columns]).ToArray();

        long before = GC.GetAllocatedBytesForCurrentThread();
        using (var checkpoint = Checkpoint.Open(file.Path))
        {
            for (int t = 0; t < TensorCount; t++)
                checkpoint.Tensors[$"layer{t}.weight"].CopyTo(destinations[t]);
        }
        long intoBuffers = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        using (var checkpoint = Checkpoint.Open(file.Path))
        {
            var arrays = checkpoint.Tensors.ToArrays();
            Assert.Equal(TensorCount, arrays.Count);
        }
        long asArrays = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"{extension}: file {new FileInfo(file.Path).Length / 1e6:F1} MB, weights {WeightBytes / 1e6:F1} MB, "
            + $"managed allocation loading into caller buffers {intoBuffers / 1e3:F1} kB, loading as new arrays {asArrays / 1e6:F1} MB");
        for (int t = 0; t < TensorCount; t++)
            Assert.Equal(Value(t, Rows * Columns - 1), destinations[t][^1]);
        Assert.Equal(Value(7, 12345), destinations[7][12345]);
        Assert.Equal(Value(0, extension == ".pt" ? Columns : 1), destinations[0][1]);
        Assert.InRange(intoBuffers, 0, SmallConstant);
        Assert.InRange(asArrays, WeightBytes, WeightBytes + SmallConstant);
    }

    private static float Value(int tensor, int index) => tensor + index * 1e-6f;

    private static void FillChunks(Stream stream, int tensor)
    {
        var chunk = new float[Columns];
        for (int row = 0; row < Rows; row++)
        {
            for (int c = 0; c < Columns; c++)
                chunk[c] = Value(tensor, row * Columns + c);
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chunk.AsSpan()));
        }
    }

    private static void WriteTorch(string path)
    {
        var writer = new TorchFileWriter();
        for (int t = 0; t < TensorCount; t++)
        {
            int tensor = t;
            // layer0 is saved transposed, so the element-by-element gather path is measured too.
            long[] stride = t == 0 ? [1, Columns] : [Columns, 1];
            writer.Storage(t.ToString(), s => FillChunks(s, tensor)).Tensor($"layer{t}.weight", t.ToString(), Rows * Columns, 0, [Rows, Columns], stride);
        }
        writer.Write(path);
    }

    private static void WriteSafetensors(string path)
    {
        long bytes = (long)Rows * Columns * sizeof(float);
        string header = "{" + string.Join(",", Enumerable.Range(0, TensorCount).Select(t =>
            $"\"layer{t}.weight\":{{\"dtype\":\"F32\",\"shape\":[{Rows},{Columns}],\"data_offsets\":[{t * bytes},{(t + 1) * bytes}]}}")) + "}";
        var headerBytes = System.Text.Encoding.UTF8.GetBytes(header);
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)headerBytes.Length));
        stream.Write(headerBytes);
        for (int t = 0; t < TensorCount; t++)
            FillChunks(stream, t);
    }
}
