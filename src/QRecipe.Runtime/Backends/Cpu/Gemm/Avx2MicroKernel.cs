using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>AVX2+FMA kernel, 6×16 tile: 12 ymm accumulators plus two B vectors and one broadcast fill the 16 ymm registers.</summary>
internal unsafe struct Avx2MicroKernel : IMicroKernel
{
    public static int Rows => 6;

    public static int Columns => 16;

    public static bool IsSupported => Fma.IsSupported && Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float* addend, nint addendRowStride)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b + 0);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(a2, b0, c20);
            c21 = Fma.MultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(a3, b0, c30);
            c31 = Fma.MultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(a4, b0, c40);
            c41 = Fma.MultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(a5, b0, c50);
            c51 = Fma.MultiplyAdd(a5, b1, c51);
            a += 6;
            b += 16;
        }

        var scale = Vector256.Create(alpha);
        Fma.MultiplyAdd(c00, scale, Vector256.Load(addend + 0 * addendRowStride + 0)).Store(c + 0 * ldc + 0);
        Fma.MultiplyAdd(c01, scale, Vector256.Load(addend + 0 * addendRowStride + 8)).Store(c + 0 * ldc + 8);
        Fma.MultiplyAdd(c10, scale, Vector256.Load(addend + 1 * addendRowStride + 0)).Store(c + 1 * ldc + 0);
        Fma.MultiplyAdd(c11, scale, Vector256.Load(addend + 1 * addendRowStride + 8)).Store(c + 1 * ldc + 8);
        Fma.MultiplyAdd(c20, scale, Vector256.Load(addend + 2 * addendRowStride + 0)).Store(c + 2 * ldc + 0);
        Fma.MultiplyAdd(c21, scale, Vector256.Load(addend + 2 * addendRowStride + 8)).Store(c + 2 * ldc + 8);
        Fma.MultiplyAdd(c30, scale, Vector256.Load(addend + 3 * addendRowStride + 0)).Store(c + 3 * ldc + 0);
        Fma.MultiplyAdd(c31, scale, Vector256.Load(addend + 3 * addendRowStride + 8)).Store(c + 3 * ldc + 8);
        Fma.MultiplyAdd(c40, scale, Vector256.Load(addend + 4 * addendRowStride + 0)).Store(c + 4 * ldc + 0);
        Fma.MultiplyAdd(c41, scale, Vector256.Load(addend + 4 * addendRowStride + 8)).Store(c + 4 * ldc + 8);
        Fma.MultiplyAdd(c50, scale, Vector256.Load(addend + 5 * addendRowStride + 0)).Store(c + 5 * ldc + 0);
        Fma.MultiplyAdd(c51, scale, Vector256.Load(addend + 5 * addendRowStride + 8)).Store(c + 5 * ldc + 8);
    }

    /// <summary>Edge tiles go through the driver's scratch tile: at 16 or fewer columns a narrower form would save
    /// little.</summary>
    public static bool TryRunEdge(int kc, float* a, float* b, float* c, nint ldc, float alpha, float* addend, nint addendRowStride, int rows,
        int columns) => false;
}
