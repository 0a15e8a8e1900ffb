using System;
using System.Collections.Generic;
using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Sequences;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Cuda.Sc;

/// <summary>
/// Exact SC products computed whole on the GPU from the tensors' device copies: both operands quantized with a range
/// per row (<see cref="QuantizedOnDevice"/>), the enable-signal accumulators of <see cref="CudaScProduct"/> and the
/// decode (Kernels/sc_codes.cu), equal bit for bit to the CPU engine's per-row product, so a call sends the host one
/// integer per operand (its finiteness). Uniform and per-head stream lengths, bipolar and unipolar; the cells it
/// declines (legacy kernels, mixed precision, per-group lengths, chunk_d, debug) stay on the CPU engine with the
/// GPU's accumulators (<see cref="CudaScAccumulators"/>).
/// </summary>
public sealed class CudaScProducts(CudaDevice device, CudaScProduct product) : IScProducts
{
    private const string File = "sc_codes.cu";
    private readonly Dictionary<(ScGeometry, int), EnableTables> tables = new();

    /// <summary>Products computed so far.</summary>
    public long Calls { get; private set; }

    public string? Declines(ScSetting sc) =>
        sc.Kernel != ScKernel.Enable ? $"the legacy {sc.Kernel.ToString().ToLowerInvariant()} kernel"
        : sc.MixedPrecision is not null ? "mixed precision"
        : !sc.GroupStreams.IsEmpty ? "per-group stream lengths"
        : sc.Chunk > 0 ? "chunk_d"
        : sc.Debug ? "debug (compared with the float product on the host)"
        : null;

    public void Multiply(Tensor a, Tensor b, int slices, int n, int m, int d, ScSetting sc, ReadOnlySpan<int> streams, float alpha, Tensor? bias,
        Tensor output)
    {
        if (Declines(sc) is { } reason)
            throw new NotSupportedException($"the GPU does not compute SC products with {reason}; the CPU engine does");
        if (streams.Length != slices)
            throw new ArgumentException($"{streams.Length} stream lengths for {slices} slices");
        Require(a, (long)slices * n * d, "a");
        Require(b, (long)slices * m * d, "b");
        Require(output, (long)slices * n * m, "the output");
        if (bias is not null)
            Require(bias, m, "the bias");
        var options = ScOptions.FromSetting(sc, ScGranularity.PerRow);
        // The codes depend on the grid and qmax, not on the stream length, so one quantization serves every length.
        var grid = (options with { Stream = null }).Resolve();
        var unipolar = sc.Mode == ScMode.Unipolar;
        var (pa, pb, pbias) = (a.DeviceAddress(device, write: false), b.DeviceAddress(device, write: false), bias?.DeviceAddress(device, write: false) ?? 0);
        using var qa = QuantizedOnDevice.Quantize(device, pa, slices, n, d, grid, unipolar);
        using var qb = QuantizedOnDevice.Quantize(device, pb, slices, m, d, grid, unipolar);
        // A non-finite operand fails as on the CPU engine, naming its first bad element.
        if (!qa.Finite())
            ScInput.ValidateOperand(a.AsReadOnlySpan<float>(), slices * n, d, "a");
        if (!qb.Finite())
            ScInput.ValidateOperand(b.AsReadOnlySpan<float>(), slices * m, d, "b");
        var pout = output.DeviceAddress(device, write: true);
        using var acc = device.Allocate<int>((long)slices * n * m);
        foreach (var (first, count, stream) in Runs(streams))
        {
            var (outputs, accBytes) = ((long)first * n * m, (ulong)((long)first * n * m * sizeof(int)));
            if (stream <= 0)
            {
                device.Zero(pout + (ulong)(outputs * sizeof(float)), (long)count * n * m * sizeof(float));
                continue;
            }

            var g = (options with { Stream = stream }).Resolve();
            product.Accumulate(qa.Codes.Slice(first, count), qb.Codes.Slice(first, count), [Tables(g, d)], new int[n], acc.Pointer + accBytes);
            device.LaunchElements(File, "sc_decode_rows", (long)count * n * m, new KernelArguments()
                .ULong(acc.Pointer + accBytes).ULong(Rows(qa.Scale, first * n, sizeof(float))).ULong(Rows(qb.Scale, first * m, sizeof(float)))
                .ULong(Rows(qa.ZeroPoint, first * n, sizeof(float))).ULong(Rows(qb.ZeroPoint, first * m, sizeof(float)))
                .ULong(Rows(qa.RowSum, first * n, sizeof(long))).ULong(Rows(qb.RowSum, first * m, sizeof(long)))
                .ULong(pout + (ulong)(outputs * sizeof(float))).ULong(pbias).Float(g.DecodeFactor).Float(alpha).Int(n).Int(m).Int(d)
                .Long((long)count * n * m));
        }

        Calls++;
    }

    /// <summary>Consecutive slices of one stream length, each one batched product.</summary>
    private static List<(int First, int Count, int Stream)> Runs(ReadOnlySpan<int> streams)
    {
        var runs = new List<(int, int, int)>();
        for (int first = 0, next; first < streams.Length; first = next)
        {
            for (next = first + 1; next < streams.Length && streams[next] == streams[first]; next++)
            {
            }

            runs.Add((first, next - first, streams[first]));
        }

        return runs;
    }

    /// <summary>The address of row <paramref name="row"/> of a per-row buffer, 0 for one the operand does not have.</summary>
    private static ulong Rows(DeviceBuffer? buffer, int row, int size) => buffer is null ? 0 : buffer.Pointer + (ulong)((long)row * size);

    /// <summary>The engine's tables for a geometry and width (<see cref="ScProduct"/> makes the same), built once, so the
    /// product uploads each once.</summary>
    private EnableTables Tables(in ScGeometry g, int dims)
    {
        if (!tables.TryGetValue((g, dims), out var built))
            tables[(g, dims)] = built = new EnableTables(ScSequences.Prepare(g, dims), g.G);
        return built;
    }

    private static void Require(Tensor tensor, long elements, string what)
    {
        if (tensor.DataType != DataType.Float32 || tensor.ElementCount != elements)
            throw new ArgumentException($"{what} holds {tensor.ElementCount} {tensor.DataType.Name()} elements, the product needs {elements} float32");
    }
}
