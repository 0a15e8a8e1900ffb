using System;
using System.Threading;
using QRecipe.Evaluation.Features;
using QRecipe.Evaluation.Statistics;

namespace QRecipe.Evaluation.Quality;

/// <summary>What the classifier says about a set of class-conditional samples: the share it assigns to the requested
/// class, and the FID of its penultimate features against reference statistics (docs/evaluation.md).</summary>
public sealed record ClassifierQuality(int Samples, double ClassAccuracy, double Fid, int[] Predicted)
{
    /// <summary>Runs the network on 8-bit N × H × W × C images and compares with the labels and the reference.</summary>
    public static ClassifierQuality Measure(FeatureNetwork network, byte[] images, int height, int width, int channels,
        ReadOnlySpan<int> labels, GaussianStatistics reference, CancellationToken cancellation = default)
    {
        int n = labels.Length;
        if (network.ClassCount == 0)
            throw new InvalidOperationException($"{network.Path} has no logits output, so it cannot judge class accuracy");
        var set = network.Run(images, n, height, width, channels, cancellation: cancellation);
        var (features, logits) = (set.Features, set.Logits);
        var predicted = new int[n];
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            predicted[i] = ArgMax(logits.AsSpan(i * network.ClassCount, network.ClassCount));
            if (predicted[i] == labels[i])
                correct++;
        }
        double fid = n >= 2 ? FrechetDistance.Between(GaussianStatistics.Of(features, n, network.FeatureSize), reference) : double.NaN;
        return new ClassifierQuality(n, (double)correct / n, fid, predicted);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
                best = i;
        }
        return best;
    }
}
