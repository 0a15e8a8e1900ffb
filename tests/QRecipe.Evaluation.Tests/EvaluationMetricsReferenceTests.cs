using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using QRecipe.Evaluation.Statistics;
using QRecipe.Runtime.IO;

namespace QRecipe.Evaluation.Tests;

/// <summary>The Inception-style score, improved precision/recall and sFID's Fréchet distance against
/// Data/eval_reference.json, which Data/make_eval_reference.py computed in float64 with numpy and scipy.</summary>
public sealed class EvaluationMetricsReferenceTests
{
    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "eval_reference.json"))).RootElement;

    private static (float[] Values, int Rows, int Columns) Rows(string name)
    {
        var array = NpyFile.Read(Path.Combine(AppContext.BaseDirectory, "Data", name));
        return (array.ToSingles(), array.Shape[0], array.Shape[1]);
    }

    private static double[] Doubles(string name) => Reference.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    [Fact]
    public void Inception_score_matches_numpy_with_adm_splits_and_with_short_splits()
    {
        var (logits, n, classes) = Rows("logits_a.npy");
        var (score, splits) = InceptionScore.Of(logits, n, classes);
        Assert.Equal(Reference.GetProperty("inception_score").GetDouble(), score, 1e-12);
        Assert.Equal(Doubles("inception_score_splits")[0], Assert.Single(splits), 1e-12);
        // 300 samples in splits of 128: 128, 128 and a last split of 44, each scored on its own marginal.
        var (short128, splits128) = InceptionScore.Of(logits, n, classes, splitSize: 128);
        Assert.Equal(Reference.GetProperty("inception_score_128").GetDouble(), short128, 1e-12);
        var expected = Doubles("inception_score_128_splits");
        Assert.Equal(expected.Length, splits128.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], splits128[i], 1e-12);
    }

    [Fact]
    public void Inception_score_of_one_hot_predictions_over_c_equal_classes_is_c_and_of_one_class_is_one()
    {
        // p(y|x) one-hot (huge logit gaps) with classes used equally: KL = log C for every sample, so the score is C.
        const int classes = 4, n = 40;
        var logits = new float[n * classes];
        for (int i = 0; i < n; i++)
            logits[i * classes + i % classes] = 1000;
        Assert.Equal(classes, InceptionScore.Of(logits, n, classes).Score, 9);
        var same = new float[n * classes];
        for (int i = 0; i < n; i++)
            same[i * classes + 2] = 1000;
        Assert.Equal(1, InceptionScore.Of(same, n, classes).Score, 12);
    }

    [Fact]
    public void Precision_and_recall_match_numpy()
    {
        var (reference, refCount, d) = Rows("features_a.npy");
        var (samples, sampleCount, _) = Rows("features_b.npy");
        var (precision, recall) = ManifoldPrecisionRecall.Of(reference, refCount, samples, sampleCount, d);
        Assert.Equal(Reference.GetProperty("precision").GetDouble(), precision);
        Assert.Equal(Reference.GetProperty("recall").GetDouble(), recall);
    }

    [Fact]
    public void A_set_against_itself_has_precision_and_recall_one_and_radii_are_third_neighbour_distances()
    {
        // Points on a line at 0, 1, 3, 6, 10: squared distances to the third nearest other point are worked out by hand.
        double[] line = { 0, 1, 3, 6, 10 };
        var radii = ManifoldPrecisionRecall.Radii(line, 5, 1, 3);
        Assert.Equal(new double[] { 36, 25, 9, 25, 81 }, radii);
        var (features, n, d) = Rows("features_a.npy");
        Assert.Equal((1.0, 1.0), ManifoldPrecisionRecall.Of(features, n, features, n, d));
    }

    [Fact]
    public void Spatial_fid_matches_scipy_within_one_millionth()
    {
        var (a, na, da) = Rows("spatial_a.npy");
        var (b, nb, db) = Rows("spatial_b.npy");
        var fid = FrechetDistance.Between(GaussianStatistics.Of(a, na, da), GaussianStatistics.Of(b, nb, db));
        var expected = Reference.GetProperty("spatial_fid").GetDouble();
        Assert.True(Math.Abs(fid - expected) <= 1e-6 * expected, $"FID {fid:R}, scipy {expected:R}");
    }
}
