using System;

namespace QRecipe.Runtime.Quantization.Weights;

/// <summary>Deterministic 1-D k-means (Lloyd) for Qua2SeDiMo's K-Means-C/-A (docs/quantization.md): k = min(2^b, n),
/// at most 100 iterations. The reference does not fix an initialisation; ours is reproducible: centroid i starts at
/// the sorted value of rank ⌊(i + ½)·n/k⌋. Values are visited in sorted order, so each cluster is a run of sorted
/// values; a value joins the next centroid only when strictly nearer (ties keep the lower centroid); centroids are
/// float64 means, an empty cluster keeps its centroid; it stops when no assignment changes.</summary>
internal static class KMeans1D
{
    public const int MaxIterations = 100;

    /// <summary>Clusters <paramref name="values"/>; writes each value's cluster index and returns the codebook.</summary>
    public static float[] Cluster(ReadOnlySpan<float> values, int bits, Span<byte> indices)
    {
        var n = values.Length;
        var k = Math.Min(1 << bits, n);
        var sorted = values.ToArray();
        var order = new int[n];
        for (var i = 0; i < n; i++) order[i] = i;
        Array.Sort(sorted, order);

        var centroids = new double[k];
        for (var i = 0; i < k; i++) centroids[i] = sorted[(int)((i + 0.5) * n / k)];
        var assignment = new int[n];
        Array.Fill(assignment, -1);
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            Array.Sort(centroids);
            var changed = Assign(sorted, centroids, assignment);
            if (!changed) break;
            Update(sorted, assignment, centroids);
        }

        for (var i = 0; i < n; i++) indices[order[i]] = (byte)assignment[i];
        var codebook = new float[k];
        for (var i = 0; i < k; i++) codebook[i] = (float)centroids[i];
        return codebook;
    }

    private static bool Assign(float[] sorted, double[] centroids, int[] assignment)
    {
        var changed = false;
        var p = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            double x = sorted[i];
            while (p + 1 < centroids.Length && Math.Abs(x - centroids[p + 1]) < Math.Abs(x - centroids[p])) p++;
            if (assignment[i] != p)
            {
                assignment[i] = p;
                changed = true;
            }
        }
        return changed;
    }

    private static void Update(float[] sorted, int[] assignment, double[] centroids)
    {
        var start = 0;
        while (start < sorted.Length)
        {
            var cluster = assignment[start];
            var end = start;
            var sum = 0.0;
            while (end < sorted.Length && assignment[end] == cluster) sum += sorted[end++];
            centroids[cluster] = sum / (end - start);
            start = end;
        }
    }
}
