using System.Numerics;
using System.Runtime.CompilerServices;

namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>Portable kernel over <see cref="Vector{T}"/>, 4 rows × two vectors: the fallback where neither AVX2 nor AVX-512 is available.</summary>
internal unsafe struct VectorMicroKernel : IMicroKernel
{
    private static readonly int W = Vector<float>.Count;

    public static int Rows => 4;

    public static int Columns => 2 * Vector<float>.Count;

    public static bool IsSupported => Vector.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float* addend, nint addendRowStride)
    {
        Vector<float> c00, c01, c10, c11, c20, c21, c30, c31;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector<float>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector.Load(b + 0 * W);
            var b1 = Vector.Load(b + 1 * W);
            var a0 = new Vector<float>(a[0]);
            c00 = Vector.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector.FusedMultiplyAdd(a0, b1, c01);
            var a1 = new Vector<float>(a[1]);
            c10 = Vector.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector.FusedMultiplyAdd(a1, b1, c11);
            var a2 = new Vector<float>(a[2]);
            c20 = Vector.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector.FusedMultiplyAdd(a2, b1, c21);
            var a3 = new Vector<float>(a[3]);
            c30 = Vector.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector.FusedMultiplyAdd(a3, b1, c31);
            a += 4;
            b += Columns;
        }

        var scale = new Vector<float>(alpha);
        Vector.FusedMultiplyAdd(c00, scale, Vector.Load(addend + 0 * addendRowStride + 0 * W)).Store(c + 0 * ldc + 0 * W);
        Vector.FusedMultiplyAdd(c01, scale, Vector.Load(addend + 0 * addendRowStride + 1 * W)).Store(c + 0 * ldc + 1 * W);
        Vector.FusedMultiplyAdd(c10, scale, Vector.Load(addend + 1 * addendRowStride + 0 * W)).Store(c + 1 * ldc + 0 * W);
        Vector.FusedMultiplyAdd(c11, scale, Vector.Load(addend + 1 * addendRowStride + 1 * W)).Store(c + 1 * ldc + 1 * W);
        Vector.FusedMultiplyAdd(c20, scale, Vector.Load(addend + 2 * addendRowStride + 0 * W)).Store(c + 2 * ldc + 0 * W);
        Vector.FusedMultiplyAdd(c21, scale, Vector.Load(addend + 2 * addendRowStride + 1 * W)).Store(c + 2 * ldc + 1 * W);
        Vector.FusedMultiplyAdd(c30, scale, Vector.Load(addend + 3 * addendRowStride + 0 * W)).Store(c + 3 * ldc + 0 * W);
        Vector.FusedMultiplyAdd(c31, scale, Vector.Load(addend + 3 * addendRowStride + 1 * W)).Store(c + 3 * ldc + 1 * W);
    }

    /// <summary>Edge tiles go through the driver's scratch tile: at 16 or fewer columns a narrower form would save
    /// little.</summary>
    public static bool TryRunEdge(int kc, float* a, float* b, float* c, nint ldc, float alpha, float* addend, nint addendRowStride, int rows,
        int columns) => false;
}
