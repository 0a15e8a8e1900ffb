using System;
using QRecipe.Plan;
using QRecipe.Runtime.Cuda.Backend;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Surrogate;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Cuda.Sc;

/// <summary>
/// The SC noise surrogate (<see cref="ScNoiseSurrogate"/>, docs/sc-engine.md) on the device: the exact product by
/// cuBLAS in FP32, the Philox noise drawn and added in place by Kernels/random.cu with the CPU's σ formulas and
/// element-to-normal mapping. Shape and finiteness checks and the abs-max scales are the CPU engine's own, so the
/// noise equals the CPU's bit for bit and only the product's rounding differs. A weight operand is a tensor, read from
/// its device copy (uploaded once while the weight stays unchanged).
/// </summary>
public sealed class CudaNoiseSurrogate(CudaDevice device, CudaBlas blas) : IScSurrogate
{
    public float[] Multiply(ReadOnlySpan<float> a, int n, Tensor b, ReadOnlySpan<float> bRowScales, int m, int d, int stream, NoiseModel noise,
        ScMode mode, ulong seed, ulong streamId)
    {
        var weight = b.AsReadOnlySpan<float>();
        ScNoiseSurrogate.CheckShapes(a, n, weight, bRowScales, m, d);
        var aRowScales = ScNoiseSurrogate.FiniteRowScales(a, n, weight, bRowScales, d);
        var output = new float[n * m];
        if (stream <= 0)
            return output;
        using var da = device.Upload(a);
        using var dc = device.Allocate<float>((long)n * m);
        blas.Gemm(da.Pointer, b.DeviceAddress(device, write: false), dc.Pointer, n, m, d, false, true, d, d, 1f, 1, GemmPrecision.Float32);
        using var aScales = device.Upload<float>(aRowScales);
        using var bScales = device.Upload(bRowScales);
        AddNoise(dc.Pointer, n, m, d, stream, noise.Local, aScales.Pointer, bScales.Pointer, perRow: true, mode, seed, streamId);
        dc.Download<float>(output);
        return output;
    }

    public float[] MultiplyBatched(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n, int m, int d, int stream, NoiseModel noise,
        ScMode mode, ulong seed, ulong streamId)
    {
        ScInput.Validate(a, b, batch, n, m, d, default);
        var output = new float[batch * n * m];
        if (stream <= 0)
            return output;
        using var da = device.Upload(a);
        using var db = device.Upload(b);
        using var dc = device.Allocate<float>((long)batch * n * m);
        blas.Gemm(da, db, dc, n, m, d, transposeA: false, transposeB: true, lda: d, ldb: d, batch: batch);
        // One abs-max per slice and operand, uploaded together; slice s reads its own pair.
        var sliceScales = new float[2 * batch];
        for (var s = 0; s < batch; s++)
            (sliceScales[s], sliceScales[batch + s]) = (ScNoiseSurrogate.AbsMax(a.Slice(s * n * d, n * d)), ScNoiseSurrogate.AbsMax(b.Slice(s * m * d, m * d)));
        using var scales = device.Upload<float>(sliceScales);
        for (var s = 0; s < batch; s++)
        {
            AddNoise(dc.Pointer + (ulong)((long)s * n * m * sizeof(float)), n, m, d, stream, noise.Local, scales.Pointer + (ulong)(s * sizeof(float)),
                scales.Pointer + (ulong)((batch + s) * sizeof(float)), perRow: false, mode, seed, streamId + (ulong)s);
        }

        dc.Download<float>(output);
        return output;
    }

    /// <summary>n×m outputs at <paramref name="output"/> += σ·normal, per-row scales or one per operand (random.cu).</summary>
    private void AddNoise(ulong output, int n, int m, int d, int stream, double c, ulong aScale, ulong bScale, bool perRow, ScMode mode,
        ulong seed, ulong streamId)
    {
        if (c == 0)
            return;
        device.LaunchElements("random.cu", "sc_noise_add", (long)n * m, new KernelArguments()
            .ULong(output).ULong(aScale).Int(perRow ? 1 : 0).ULong(bScale).Int(perRow ? 1 : 0).Int(m).Long((long)n * m)
            .Double(Math.Sqrt(d * c) / stream).Double(c / ((double)stream * stream)).Int(mode == ScMode.Bipolar ? 1 : 0)
            .ULong(seed).ULong(streamId));
    }
}
