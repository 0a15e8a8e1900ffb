using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>AVX-512F kernel, 8×48 tile: 24 zmm accumulators, three B vectors and one broadcast (28 of 32 registers);
/// per k step 24 FMAs against 3 loads and 8 broadcasts, and N of the DiT shapes (1152, 3456, 4608) is a multiple of 48.</summary>
internal unsafe struct Avx512MicroKernel : IMicroKernel
{
    public static int Rows => 8;

    public static int Columns => 48;

    public static bool IsSupported => Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float* addend, nint addendRowStride)
    {
        // The tile of C (8 rows of 48 floats, 24 cache lines a row length apart) is read or written only after the k
        // loop: asking for it now hides its misses behind the loop. Weights cold, alternating call by call with two
        // workers: DiT-XL/2's qkv and fc1 and DiT-S/2's fc1 ran 2.5–5.6% faster, the other shapes within ±1%.
        for (var i = 0; i < 8; i++)
        {
            Sse.Prefetch0(c + i * ldc);
            Sse.Prefetch0(c + i * ldc + 16);
            Sse.Prefetch0(c + i * ldc + 32);
        }
        Vector512<float> c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32, c40, c41, c42, c50, c51, c52, c60, c61, c62, c70, c71, c72;
        c00 = c01 = c02 = c10 = c11 = c12 = c20 = c21 = c22 = c30 = c31 = c32 = c40 = c41 = c42 = c50 = c51 = c52 = c60 = c61 = c62 = c70 = c71 = c72 = Vector512<float>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            var b2 = Vector512.Load(b + 32);
            var a0 = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            c02 = Avx512F.FusedMultiplyAdd(a0, b2, c02);
            var a1 = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            c12 = Avx512F.FusedMultiplyAdd(a1, b2, c12);
            var a2 = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            c22 = Avx512F.FusedMultiplyAdd(a2, b2, c22);
            var a3 = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
            c32 = Avx512F.FusedMultiplyAdd(a3, b2, c32);
            var a4 = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
            c42 = Avx512F.FusedMultiplyAdd(a4, b2, c42);
            var a5 = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
            c52 = Avx512F.FusedMultiplyAdd(a5, b2, c52);
            var a6 = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
            c62 = Avx512F.FusedMultiplyAdd(a6, b2, c62);
            var a7 = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
            c72 = Avx512F.FusedMultiplyAdd(a7, b2, c72);
            a += 8;
            b += 48;
        }

        var scale = Vector512.Create(alpha);
        Avx512F.FusedMultiplyAdd(c00, scale, Vector512.Load(addend + 0 * addendRowStride + 0)).Store(c + 0 * ldc + 0);
        Avx512F.FusedMultiplyAdd(c01, scale, Vector512.Load(addend + 0 * addendRowStride + 16)).Store(c + 0 * ldc + 16);
        Avx512F.FusedMultiplyAdd(c02, scale, Vector512.Load(addend + 0 * addendRowStride + 32)).Store(c + 0 * ldc + 32);
        Avx512F.FusedMultiplyAdd(c10, scale, Vector512.Load(addend + 1 * addendRowStride + 0)).Store(c + 1 * ldc + 0);
        Avx512F.FusedMultiplyAdd(c11, scale, Vector512.Load(addend + 1 * addendRowStride + 16)).Store(c + 1 * ldc + 16);
        Avx512F.FusedMultiplyAdd(c12, scale, Vector512.Load(addend + 1 * addendRowStride + 32)).Store(c + 1 * ldc + 32);
        Avx512F.FusedMultiplyAdd(c20, scale, Vector512.Load(addend + 2 * addendRowStride + 0)).Store(c + 2 * ldc + 0);
        Avx512F.FusedMultiplyAdd(c21, scale, Vector512.Load(addend + 2 * addendRowStride + 16)).Store(c + 2 * ldc + 16);
        Avx512F.FusedMultiplyAdd(c22, scale, Vector512.Load(addend + 2 * addendRowStride + 32)).Store(c + 2 * ldc + 32);
        Avx512F.FusedMultiplyAdd(c30, scale, Vector512.Load(addend + 3 * addendRowStride + 0)).Store(c + 3 * ldc + 0);
        Avx512F.FusedMultiplyAdd(c31, scale, Vector512.Load(addend + 3 * addendRowStride + 16)).Store(c + 3 * ldc + 16);
        Avx512F.FusedMultiplyAdd(c32, scale, Vector512.Load(addend + 3 * addendRowStride + 32)).Store(c + 3 * ldc + 32);
        Avx512F.FusedMultiplyAdd(c40, scale, Vector512.Load(addend + 4 * addendRowStride + 0)).Store(c + 4 * ldc + 0);
        Avx512F.FusedMultiplyAdd(c41, scale, Vector512.Load(addend + 4 * addendRowStride + 16)).Store(c + 4 * ldc + 16);
        Avx512F.FusedMultiplyAdd(c42, scale, Vector512.Load(addend + 4 * addendRowStride + 32)).Store(c + 4 * ldc + 32);
        Avx512F.FusedMultiplyAdd(c50, scale, Vector512.Load(addend + 5 * addendRowStride + 0)).Store(c + 5 * ldc + 0);
        Avx512F.FusedMultiplyAdd(c51, scale, Vector512.Load(addend + 5 * addendRowStride + 16)).Store(c + 5 * ldc + 16);
        Avx512F.FusedMultiplyAdd(c52, scale, Vector512.Load(addend + 5 * addendRowStride + 32)).Store(c + 5 * ldc + 32);
        Avx512F.FusedMultiplyAdd(c60, scale, Vector512.Load(addend + 6 * addendRowStride + 0)).Store(c + 6 * ldc + 0);
        Avx512F.FusedMultiplyAdd(c61, scale, Vector512.Load(addend + 6 * addendRowStride + 16)).Store(c + 6 * ldc + 16);
        Avx512F.FusedMultiplyAdd(c62, scale, Vector512.Load(addend + 6 * addendRowStride + 32)).Store(c + 6 * ldc + 32);
        Avx512F.FusedMultiplyAdd(c70, scale, Vector512.Load(addend + 7 * addendRowStride + 0)).Store(c + 7 * ldc + 0);
        Avx512F.FusedMultiplyAdd(c71, scale, Vector512.Load(addend + 7 * addendRowStride + 16)).Store(c + 7 * ldc + 16);
        Avx512F.FusedMultiplyAdd(c72, scale, Vector512.Load(addend + 7 * addendRowStride + 32)).Store(c + 7 * ldc + 32);
    }

    /// <summary>Tiles of at most 32 columns (attention's head widths, 64 = 48 + 16 and 72 = 48 + 24, and its 256 tokens
    /// = 5·48 + 16) accumulate only the one or two 16-lane vectors they need: the full tile spent two or three times
    /// their multiply-adds. Every element gets the same fused multiply-adds in the same order as in <see cref="Run"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryRunEdge(int kc, float* a, float* b, float* c, nint ldc, float alpha, float* addend, nint addendRowStride, int rows,
        int columns)
    {
        if (columns > 32)
            return false;
        if (columns > 16)
        {
            RunTwoVectors(kc, a, b, c, ldc, alpha, addend, addendRowStride, rows, columns);
            return true;
        }

        Vector512<float> c0, c1, c2, c3, c4, c5, c6, c7;
        c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = Vector512<float>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c7);
            a += 8;
            b += 48;
        }

        // Row by row with the accumulators passed by value: gathering them into a span made the JIT keep every
        // accumulator in memory inside the k loop (a store per multiply-add).
        Finish(c0, alpha, addend, c, columns);
        if (rows > 1) Finish(c1, alpha, addend + addendRowStride, c + ldc, columns);
        if (rows > 2) Finish(c2, alpha, addend + 2 * addendRowStride, c + 2 * ldc, columns);
        if (rows > 3) Finish(c3, alpha, addend + 3 * addendRowStride, c + 3 * ldc, columns);
        if (rows > 4) Finish(c4, alpha, addend + 4 * addendRowStride, c + 4 * ldc, columns);
        if (rows > 5) Finish(c5, alpha, addend + 5 * addendRowStride, c + 5 * ldc, columns);
        if (rows > 6) Finish(c6, alpha, addend + 6 * addendRowStride, c + 6 * ldc, columns);
        if (rows > 7) Finish(c7, alpha, addend + 7 * addendRowStride, c + 7 * ldc, columns);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunTwoVectors(int kc, float* a, float* b, float* c, nint ldc, float alpha, float* addend, nint addendRowStride, int rows,
        int columns)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
            a += 8;
            b += 48;
        }

        // As in the one-vector tile: no span over the accumulators (it cost 4× the multiply-add time on 8×24 tiles).
        FinishTwo(c00, c01, alpha, addend, c, columns);
        if (rows > 1) FinishTwo(c10, c11, alpha, addend + addendRowStride, c + ldc, columns);
        if (rows > 2) FinishTwo(c20, c21, alpha, addend + 2 * addendRowStride, c + 2 * ldc, columns);
        if (rows > 3) FinishTwo(c30, c31, alpha, addend + 3 * addendRowStride, c + 3 * ldc, columns);
        if (rows > 4) FinishTwo(c40, c41, alpha, addend + 4 * addendRowStride, c + 4 * ldc, columns);
        if (rows > 5) FinishTwo(c50, c51, alpha, addend + 5 * addendRowStride, c + 5 * ldc, columns);
        if (rows > 6) FinishTwo(c60, c61, alpha, addend + 6 * addendRowStride, c + 6 * ldc, columns);
        if (rows > 7) FinishTwo(c70, c71, alpha, addend + 7 * addendRowStride, c + 7 * ldc, columns);
    }

    /// <summary>One row of a two-vector tile: 16 lanes, then the remaining <paramref name="columns"/> − 16.</summary>
    private static void FinishTwo(Vector512<float> low, Vector512<float> high, float alpha, float* addend, float* c, int columns)
    {
        Finish(low, alpha, addend, c, 16);
        Finish(high, alpha, addend + 16, c + 16, columns - 16);
    }

    /// <summary>c[j] = sum[j]·alpha + addend[j] for the first <paramref name="count"/> lanes, rounded once as in
    /// <see cref="Run"/>; a partial vector goes lane by lane so that nothing past the row's end is read or written.</summary>
    private static void Finish(Vector512<float> sum, float alpha, float* addend, float* c, int count)
    {
        if (count == 16)
        {
            Avx512F.FusedMultiplyAdd(sum, Vector512.Create(alpha), Vector512.Load(addend)).Store(c);
            return;
        }

        for (var j = 0; j < count; j++)
            c[j] = MathF.FusedMultiplyAdd(sum.GetElement(j), alpha, addend[j]);
    }
}
