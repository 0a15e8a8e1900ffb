using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using QRecipe.Evaluation.Features;
using QRecipe.Evaluation.Statistics;

namespace QRecipe.Evaluation.Quality;

/// <summary>Every number <c>qrecipe eval</c> reports for a sample set against a reference (docs/evaluation.md): FID,
/// sFID, the Inception-style score, improved precision and recall (k = 3) and class accuracy. A metric the inputs
/// cannot give (no spatial output, no logits, no labels, no reference features, too few samples) is null and
/// <see cref="Unavailable"/> says why.</summary>
public sealed record SampleEvaluation(
    int Samples,
    double Fid,
    double? SFid,
    double? InceptionScore,
    double[]? InceptionScoreSplits,
    double? Precision,
    double? Recall,
    double? ClassAccuracy,
    IReadOnlyDictionary<string, string> Unavailable)
{
    public const int Neighbours = ManifoldPrecisionRecall.AdmNeighbours;

    /// <summary>Computes every metric; bad input (fewer than 2 samples, mismatched feature sizes, non-finite features
    /// or covariances, labels outside the classes) is an <see cref="InvalidDataException"/> with one line.</summary>
    public static SampleEvaluation Compute(FeatureSet samples, int[]? labels, ReferenceBatch reference, Action<string>? stage = null,
        CancellationToken cancellation = default)
    {
        if (samples.Count < 2)
            throw new InvalidDataException($"FID needs at least 2 samples, got {samples.Count}");
        if (samples.FeatureSize != reference.Pooled.Dimension)
            throw new InvalidDataException($"the network makes {samples.FeatureSize} features per image, the reference statistics have {reference.Pooled.Dimension}: they were computed by another network or output");
        var unavailable = new Dictionary<string, string>();
        stage?.Invoke("FID");
        double fid = FrechetDistance.Between(Moments.Of(samples.Features, samples.Count, samples.FeatureSize, "sample features"), reference.Pooled);

        double? sfid = null;
        if (samples.SpatialSize == 0)
            unavailable["sfid"] = "the feature network has no spatial output";
        else if (reference.Spatial is null)
            unavailable["sfid"] = "the reference has no spatial statistics (mu_s, sigma_s)";
        else if (reference.Spatial.Dimension != samples.SpatialSize)
            throw new InvalidDataException($"the network makes {samples.SpatialSize} spatial features per image, the reference's spatial statistics have {reference.Spatial.Dimension}");
        else
        {
            stage?.Invoke("sFID");
            sfid = FrechetDistance.Between(Moments.Of(samples.Spatial, samples.Count, samples.SpatialSize, "sample spatial features"), reference.Spatial);
        }

        (double Score, double[] Splits)? inception = null;
        double? accuracy = null;
        if (samples.ClassCount < 2)
        {
            unavailable["inception_score"] = "the feature network has no logits output";
            if (labels is not null)
                unavailable["class_accuracy"] = "the feature network has no logits output";
        }
        else
        {
            CheckFinite(samples.Logits, samples.ClassCount, "sample logits");
            inception = Statistics.InceptionScore.Of(samples.Logits, samples.Count, samples.ClassCount);
            if (labels is not null)
                accuracy = Accuracy(samples, labels);
        }
        if (labels is null)
            unavailable["class_accuracy"] = "the samples have no labels (arr_1)";

        double? precision = null, recall = null;
        if (reference.Features is null)
            unavailable["precision_recall"] = "the reference has no feature rows ('features'): precision and recall need the reference images or a cache made from them";
        else if (samples.Count <= Neighbours || reference.FeatureCount <= Neighbours)
            unavailable["precision_recall"] = $"k = {Neighbours} nearest neighbours need at least {Neighbours + 1} samples and reference images";
        else
        {
            (precision, recall) = ManifoldPrecisionRecall.Of(reference.Features, reference.FeatureCount, samples.Features, samples.Count, samples.FeatureSize,
                Neighbours, s => stage?.Invoke(s), cancellation, reference.Radii);
        }
        return new SampleEvaluation(samples.Count, fid, sfid, inception?.Score, inception?.Splits, precision, recall, accuracy, unavailable);
    }

    private static double Accuracy(FeatureSet samples, int[] labels)
    {
        if (labels.Length != samples.Count)
            throw new InvalidDataException($"{labels.Length} labels for {samples.Count} samples");
        int correct = 0;
        for (int i = 0; i < samples.Count; i++)
        {
            if (labels[i] >= samples.ClassCount)
                throw new InvalidDataException($"label {i} is {labels[i]}; the network knows classes 0..{samples.ClassCount - 1}");
            var row = samples.Logits.AsSpan(i * samples.ClassCount, samples.ClassCount);
            int best = 0;
            for (int k = 1; k < row.Length; k++)
            {
                if (row[k] > row[best])
                    best = k;
            }
            if (best == labels[i])
                correct++;
        }
        return (double)correct / samples.Count;
    }

    private static void CheckFinite(float[] rows, int width, string what)
    {
        for (long i = 0; i < rows.LongLength; i++)
        {
            if (!float.IsFinite(rows[i]))
                throw new InvalidDataException($"{what}: row {i / width}, value {i % width} is {rows[i]}; the network must give finite outputs");
        }
    }
}
