using System;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace QRecipe.Evaluation.Statistics;

/// <summary>Improved precision and recall (Kynkäänniemi et al. 2019) as ADM's evaluator defines them: each set of
/// feature vectors spans a manifold, the union of balls around its points whose squared radius is the squared distance
/// to the point's k-th nearest neighbour in the same set (k = 3). Precision is the share of samples inside the
/// reference manifold (within the radius of at least one reference point), recall the share of reference points
/// inside the samples' manifold. Distances are squared Euclidean, in float64 (docs/evaluation.md).</summary>
public static class ManifoldPrecisionRecall
{
    public const int AdmNeighbours = 3;

    public static (double Precision, double Recall) Of(ReadOnlySpan<float> reference, int referenceCount, ReadOnlySpan<float> samples, int sampleCount,
        int dimension, int k = AdmNeighbours, Action<string>? progress = null, CancellationToken cancellation = default, double[]? referenceRadii = null)
    {
        var refs = Widen(reference, referenceCount, dimension, "reference", k);
        var gen = Widen(samples, sampleCount, dimension, "sample", k);
        if (referenceRadii is null)
        {
            progress?.Invoke("reference radii");
            referenceRadii = Radii(refs, referenceCount, dimension, k, cancellation);
        }
        progress?.Invoke("sample radii");
        var sampleRadii = Radii(gen, sampleCount, dimension, k, cancellation);
        progress?.Invoke("precision and recall");
        double precision = Covered(gen, sampleCount, refs, referenceCount, referenceRadii, dimension, cancellation);
        double recall = Covered(refs, referenceCount, gen, sampleCount, sampleRadii, dimension, cancellation);
        return (precision, recall);
    }

    // Points are compared a tile at a time, RowTile × ColumnTile, so a column tile (128 points of up to a few hundred
    // float64 features) stays in cache while a row tile runs over it, instead of every row streaming the whole set.
    private const int RowTile = 32;
    private const int ColumnTile = 128;

    /// <summary>The squared distance from each of <paramref name="count"/> feature rows to its k-th nearest other row.</summary>
    public static double[] Radii(ReadOnlySpan<float> rows, int count, int dimension, int k) =>
        Radii(Widen(rows, count, dimension, "reference", k), count, dimension, k);

    /// <summary>The squared distance from each point to its k-th nearest other point of the same set.</summary>
    public static double[] Radii(double[] points, int count, int dimension, int k, CancellationToken cancellation = default)
    {
        var radii = new double[count];
        int tiles = (count + RowTile - 1) / RowTile;
        Parallel.For(0, tiles, new ParallelOptions { CancellationToken = cancellation }, tile =>
        {
            int first = tile * RowTile, rows = Math.Min(RowTile, count - first);
            // The k smallest distances of each row so far, ascending.
            var nearest = new double[rows * k];
            Array.Fill(nearest, double.PositiveInfinity);
            for (int column = 0; column < count; column += ColumnTile)
            {
                int columns = Math.Min(ColumnTile, count - column);
                for (int r = 0; r < rows; r++)
                {
                    int i = first + r;
                    var point = points.AsSpan(i * dimension, dimension);
                    var best = nearest.AsSpan(r * k, k);
                    for (int j = column; j < column + columns; j++)
                    {
                        if (j == i)
                            continue;
                        double d = SquaredDistance(point, points.AsSpan(j * dimension, dimension));
                        if (d >= best[k - 1])
                            continue;
                        int at = k - 1;
                        while (at > 0 && best[at - 1] > d)
                        {
                            best[at] = best[at - 1];
                            at--;
                        }
                        best[at] = d;
                    }
                }
            }
            for (int r = 0; r < rows; r++)
                radii[first + r] = nearest[r * k + k - 1];
        });
        return radii;
    }

    /// <summary>The share of <paramref name="probes"/> within the radius of at least one point of the manifold.</summary>
    public static double Covered(double[] probes, int probeCount, double[] manifold, int manifoldCount, double[] radii, int dimension, CancellationToken cancellation = default)
    {
        int inside = 0;
        int tiles = (probeCount + RowTile - 1) / RowTile;
        Parallel.For(0, tiles, new ParallelOptions { CancellationToken = cancellation }, tile =>
        {
            int first = tile * RowTile, rows = Math.Min(RowTile, probeCount - first), found = 0;
            var covered = new bool[rows];
            for (int column = 0; column < manifoldCount && found < rows; column += ColumnTile)
            {
                int columns = Math.Min(ColumnTile, manifoldCount - column);
                for (int r = 0; r < rows; r++)
                {
                    if (covered[r])
                        continue;
                    var probe = probes.AsSpan((first + r) * dimension, dimension);
                    for (int j = column; j < column + columns; j++)
                    {
                        if (SquaredDistance(probe, manifold.AsSpan(j * dimension, dimension)) <= radii[j])
                        {
                            covered[r] = true;
                            found++;
                            break;
                        }
                    }
                }
            }
            Interlocked.Add(ref inside, found);
        });
        return (double)inside / probeCount;
    }

    private static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        // Two accumulators hide the latency of the fused multiply-add; loads skip the bounds checks of slicing.
        ref double x = ref MemoryMarshal.GetReference(a);
        ref double y = ref MemoryMarshal.GetReference(b);
        int width = Vector<double>.Count, n = a.Length, i = 0;
        var sum0 = Vector<double>.Zero;
        var sum1 = Vector<double>.Zero;
        for (; i <= n - 2 * width; i += 2 * width)
        {
            var d0 = Vector.LoadUnsafe(ref x, (nuint)i) - Vector.LoadUnsafe(ref y, (nuint)i);
            var d1 = Vector.LoadUnsafe(ref x, (nuint)(i + width)) - Vector.LoadUnsafe(ref y, (nuint)(i + width));
            sum0 = Vector.FusedMultiplyAdd(d0, d0, sum0);
            sum1 = Vector.FusedMultiplyAdd(d1, d1, sum1);
        }
        double total = Vector.Sum(sum0 + sum1);
        for (; i < n; i++)
        {
            double d = a[i] - b[i];
            total += d * d;
        }
        return total;
    }

    private static double[] Widen(ReadOnlySpan<float> values, int count, int dimension, string what, int k)
    {
        if (count <= k)
            throw new ArgumentException($"a {what} manifold with k = {k} needs at least {k + 1} points, got {count}");
        if (values.Length != (long)count * dimension)
            throw new ArgumentException($"{count} {what} rows of {dimension} features need {(long)count * dimension} values, got {values.Length}");
        var wide = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
            wide[i] = values[i];
        return wide;
    }
}
