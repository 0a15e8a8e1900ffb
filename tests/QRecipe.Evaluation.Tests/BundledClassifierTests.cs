using System;
using System.IO;
using System.Linq;
using QRecipe.Evaluation.Quality;
using QRecipe.Runtime.Bundled;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.IO;

namespace QRecipe.Evaluation.Tests;

/// <summary>The shipped classifier run by ONNX Runtime against what PyTorch computed from the trained weights for 16
/// test images (Data/classifier_golden.npz, made by training/make_classifier_golden.py).</summary>
public sealed class BundledClassifierTests
{
    [Fact]
    public void Onnx_runtime_features_and_logits_match_pytorch()
    {
        var golden = NpzFile.Read(Path.Combine(AppContext.BaseDirectory, "Data", "classifier_golden.npz"));
        var images = golden["images"].Values.Select(v => (byte)v).ToArray();
        int n = golden["images"].Shape[0];
        using var classifier = BundledClassifier.Open();
        Assert.Equal((128, 10, 343), (classifier.Network.FeatureSize, classifier.Network.ClassCount, classifier.Network.SpatialSize));
        var set = classifier.Network.Run(images, n, 28, 28, 1, batchSize: 5);
        AssertClose(golden["features"].Values, set.Features);
        AssertClose(golden["logits"].Values, set.Logits);

        var labels = golden["labels"].Values.Select(v => (int)v).ToArray();
        var quality = classifier.Measure(images, 28, 28, 1, labels);
        var expectedPredictions = Enumerable.Range(0, n).Select(i => ArgMax(golden["logits"].Values.AsSpan(i * 10, 10))).ToArray();
        Assert.Equal(expectedPredictions, quality.Predicted);
        Assert.Equal(expectedPredictions.Zip(labels).Count(p => p.First == p.Second) / (double)n, quality.ClassAccuracy);
        Assert.True(double.IsFinite(quality.Fid) && quality.Fid > 0, $"FID {quality.Fid}");
    }

    [Fact]
    public void Reference_statistics_are_a_128_feature_gaussian_with_a_symmetric_covariance()
    {
        using var classifier = BundledClassifier.Open();
        var reference = classifier.Reference;
        Assert.Equal(128, reference.Dimension);
        for (int i = 0; i < 128; i++)
        {
            Assert.True(reference.Covariance[i * 128 + i] >= 0);
            for (int j = 0; j < i; j++)
                Assert.Equal(reference.Covariance[i * 128 + j], reference.Covariance[j * 128 + i]);
        }
    }

    [Fact]
    public void A_missing_bundled_file_is_one_line_naming_it()
    {
        var error = Assert.Throws<CheckpointException>(() => BundledAssets.Locate("fmnist-classifier/none.onnx"));
        Assert.Contains(Path.Combine("models", "fmnist-classifier", "none.onnx"), error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"value {i}: {actual[i]} vs {expected[i]}");
    }

    private static int ArgMax(ReadOnlySpan<double> values)
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
