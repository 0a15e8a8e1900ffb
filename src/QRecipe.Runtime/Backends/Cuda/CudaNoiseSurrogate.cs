using System;
using QRecipe.Language.Plan;
using QRecipe.Runtime.Sc;

namespace QRecipe.Runtime.Backends.Cuda;

/// <summary>
/// The SC noise surrogate (<see cref="ScNoiseSurrogate.Multiply"/>, sc-kernels.md §10.2) on the device: the exact
/// product by cuBLAS in FP32, the abs-max scales by Kernels/rows.cu, and the Philox noise drawn and added in place
/// by Kernels/random.cu with the CPU's σ formulas and element-to-normal mapping.
/// </summary>
public sealed class CudaNoiseSurrogate(CudaDevice device, CudaBlas blas)
{
    public float[] Multiply(float[] a, int n, float[] b, int m, int d, int stream, NoiseModel noise, bool perRow, ScMode mode,
        ulong seed, ulong streamId = 0)
    {
        if (a.Length != (long)n * d || b.Length != (long)m * d)
            throw new ArgumentException($"operands of {a.Length} and {b.Length} elements do not match {n}×{d} and {m}×{d}");
        var output = new float[n * m];
        if (stream <= 0)
            return output;
        using var da = device.Upload<float>(a);
        using var db = device.Upload<float>(b);
        using var dc = device.Allocate<float>((long)n * m);
        blas.Gemm(da, db, dc, n, m, d, transposeA: false, transposeB: true, lda: d, ldb: d);
        var c = perRow ? noise.Local : noise.Global;
        if (c != 0)
        {
            using var aScale = Scales(da, n, d, perRow);
            using var bScale = Scales(db, m, d, perRow);
            device.LaunchElements("random.cu", "sc_noise_add", (long)n * m, new KernelArguments()
                .Pointer(dc).Pointer(aScale).Int(perRow ? 1 : 0).Pointer(bScale).Int(perRow ? 1 : 0).Int(m).Long((long)n * m)
                .Double(Math.Sqrt(d * c) / stream).Double(c / ((double)stream * stream)).Int(mode == ScMode.Bipolar ? 1 : 0)
                .ULong(seed).ULong(streamId));
        }

        dc.Download<float>(output);
        return output;
    }

    /// <summary>max |x| per row, or (per tensor) the maximum of those in a one-element buffer.</summary>
    private DeviceBuffer Scales(DeviceBuffer x, int rows, int d, bool perRow)
    {
        var scales = device.Allocate<float>(rows);
        device.Launch("rows.cu", "absmax_rows", ((uint)rows, 1, 1), (256, 1, 1), 0, new KernelArguments().Pointer(x).Pointer(scales).Int(d));
        if (perRow)
            return scales;
        var max = 0f;
        foreach (var v in scales.Download<float>(rows))
            max = Math.Max(max, v);
        scales.Upload<float>([max]);
        return scales;
    }
}
