using System;
using System.Numerics;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>
/// C = alpha·A·B + bias for at most <see cref="MaxRows"/> rows of A when both operands are contiguous along K: A's
/// rows, and B's columns (a linear layer's weight W[N, K] read transposed), as in the DiT's adaLN and timestep layers
/// (one row per sample). Each element of C is then a dot product of two contiguous runs, so W is streamed once from
/// memory and nothing is packed; the packed kernels would copy all of W first and run 8-row tiles that are mostly
/// padding, for a call whose time is reading W. The workers split the columns of C in groups of
/// <see cref="ColumnGroup"/>, whose K runs of W stay in L1 while each row of A meets them.
/// </summary>
internal static unsafe class SmallRowsSgemm
{
    public const int MaxRows = 4;

    private const int ColumnGroup = 4;

    /// <summary>Whether <see cref="Multiply"/> applies: few rows, both operands contiguous along K, no epilogue (GELU
    /// follows the packed path, whose tiles give the bits of a separate GELU).</summary>
    public static bool Fits(in GemmProblem problem) =>
        problem.M <= MaxRows && problem.A.ColumnStride == 1 && problem.B.RowStride == 1 && problem.Epilogue == GemmEpilogue.None;

    public static void Multiply(in GemmProblem problem) =>
        RangeParallel<GemmProblem>.For((problem.N + ColumnGroup - 1) / ColumnGroup, (long)problem.M * problem.N * problem.K, problem, &MultiplyGroups);

    private static void MultiplyGroups(in GemmProblem p, int start, int end)
    {
        for (var group = start; group < end; group++)
        {
            var column = group * ColumnGroup;
            if (p.N - column >= ColumnGroup)
            {
                for (var i = 0; i < p.M; i++)
                    Dot4(p, i, column);
            }
            else
            {
                for (var i = 0; i < p.M; i++)
                {
                    for (var j = column; j < p.N; j++)
                        Store(p, i, j, Dot(p.A.At(i, 0), p.B.At(0, j), p.K));
                }
            }
        }
    }

    /// <summary>Row <paramref name="i"/> of A against columns [column, column + 4) of B, four independent sums.</summary>
    private static void Dot4(in GemmProblem p, int i, int column)
    {
        var a = p.A.At(i, 0);
        var b0 = p.B.At(0, column);
        var b1 = p.B.At(0, column + 1);
        var b2 = p.B.At(0, column + 2);
        var b3 = p.B.At(0, column + 3);
        Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
        var lanes = Vector<float>.Count;
        var k = 0;
        for (; k <= p.K - lanes; k += lanes)
        {
            var x = Vector.Load(a + k);
            s0 = Vector.FusedMultiplyAdd(x, Vector.Load(b0 + k), s0);
            s1 = Vector.FusedMultiplyAdd(x, Vector.Load(b1 + k), s1);
            s2 = Vector.FusedMultiplyAdd(x, Vector.Load(b2 + k), s2);
            s3 = Vector.FusedMultiplyAdd(x, Vector.Load(b3 + k), s3);
        }

        float t0 = Vector.Sum(s0), t1 = Vector.Sum(s1), t2 = Vector.Sum(s2), t3 = Vector.Sum(s3);
        for (; k < p.K; k++)
        {
            t0 += a[k] * b0[k];
            t1 += a[k] * b1[k];
            t2 += a[k] * b2[k];
            t3 += a[k] * b3[k];
        }

        Store(p, i, column, t0);
        Store(p, i, column + 1, t1);
        Store(p, i, column + 2, t2);
        Store(p, i, column + 3, t3);
    }

    private static float Dot(float* a, float* b, int k)
    {
        var lanes = Vector<float>.Count;
        var sum = Vector<float>.Zero;
        var p = 0;
        for (; p <= k - lanes; p += lanes)
            sum = Vector.FusedMultiplyAdd(Vector.Load(a + p), Vector.Load(b + p), sum);
        var total = Vector.Sum(sum);
        for (; p < k; p++)
            total += a[p] * b[p];
        return total;
    }

    private static void Store(in GemmProblem p, int i, int j, float dot) =>
        p.C[i * p.Ldc + j] = MathF.FusedMultiplyAdd(p.Alpha, dot, p.Bias != null ? p.Bias[j] : 0f);
}
