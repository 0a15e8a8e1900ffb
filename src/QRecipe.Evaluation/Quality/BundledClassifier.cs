using System;
using System.IO;
using System.Threading;
using QRecipe.Evaluation.Features;
using QRecipe.Evaluation.Statistics;
using QRecipe.Runtime.Bundled;
using QRecipe.Runtime.Checkpoints;

namespace QRecipe.Evaluation.Quality;

/// <summary>The Fashion-MNIST classifier that ships with QRecipe and the statistics of its features on the 10,000 test
/// images: the default judge of the bundled model's samples (docs/model-card.md, docs/evaluation.md).</summary>
public sealed class BundledClassifier : IDisposable
{
    public const string NetworkFile = "fmnist-classifier/fmnist-classifier.onnx";
    public const string StatisticsFile = "fmnist-classifier/fmnist-test-stats.npz";

    private BundledClassifier(FeatureNetwork network, GaussianStatistics reference)
    {
        Network = network;
        Reference = reference;
    }

    public FeatureNetwork Network { get; }

    public GaussianStatistics Reference { get; }

    /// <summary>Opens both files; a missing one is a <see cref="CheckpointException"/> and an unusable one an
    /// <see cref="InvalidDataException"/>, each naming the file, so the CLI prints one line.</summary>
    public static BundledClassifier Open()
    {
        var networkPath = BundledAssets.Locate(NetworkFile);
        var reference = ReferenceStatistics.Load(BundledAssets.Locate(StatisticsFile));
        var network = FeatureNetwork.Open(networkPath, FeatureNetworkSpec.BundledClassifier, threads: Environment.ProcessorCount);
        if (network.FeatureSize == reference.Dimension)
            return new BundledClassifier(network, reference);
        network.Dispose();
        throw new InvalidDataException($"{BundledAssets.Locate(StatisticsFile)} holds statistics of {reference.Dimension} features, but {networkPath} makes {network.FeatureSize}");
    }

    public ClassifierQuality Measure(byte[] images, int height, int width, int channels, ReadOnlySpan<int> labels, CancellationToken cancellation = default) =>
        ClassifierQuality.Measure(Network, images, height, width, channels, labels, Reference, cancellation);

    public void Dispose() => Network.Dispose();
}
