using System;
using System.Collections.Generic;
using System.Linq;

namespace QRecipe.Evaluation.Statistics;

/// <summary>The Inception-style score of a classifier's logits, as ADM's evaluator computes it from Inception's
/// softmax: the samples are cut into consecutive splits of <see cref="AdmSplitSize"/> (the last one may be shorter);
/// in each split, exp(mean over samples of KL(p(y|x) ‖ p(y))) with p(y) the split's mean prediction; the score is the
/// mean over splits. Softmax and logarithms are float64 (docs/evaluation.md).</summary>
public static class InceptionScore
{
    public const int AdmSplitSize = 5000;

    /// <summary>The score and the per-split values of <paramref name="count"/> rows of <paramref name="classes"/> logits.</summary>
    public static (double Score, double[] Splits) Of(ReadOnlySpan<float> logits, int count, int classes, int splitSize = AdmSplitSize)
    {
        if (count < 1 || classes < 2 || logits.Length != (long)count * classes)
            throw new ArgumentException($"{count} rows of {classes} logits (at least 1 row and 2 classes) need {(long)count * classes} values, got {logits.Length}");
        var probabilities = new double[(long)count * classes];
        for (int i = 0; i < count; i++)
            Softmax(logits.Slice(i * classes, classes), probabilities.AsSpan(i * classes, classes));
        var splits = new List<double>();
        for (int start = 0; start < count; start += splitSize)
            splits.Add(Split(probabilities.AsSpan(start * classes, Math.Min(splitSize, count - start) * classes), classes));
        return (splits.Average(), splits.ToArray());
    }

    private static double Split(ReadOnlySpan<double> p, int classes)
    {
        int n = p.Length / classes;
        var marginal = new double[classes];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < classes; k++)
                marginal[k] += p[i * classes + k];
        }
        for (int k = 0; k < classes; k++)
            marginal[k] /= n;
        double kl = 0;
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < classes; k++)
            {
                double pk = p[i * classes + k];
                // p·log p → 0 as p → 0; a softmax underflowing to 0 adds nothing.
                if (pk > 0)
                    kl += pk * (Math.Log(pk) - Math.Log(marginal[k]));
            }
        }
        return Math.Exp(kl / n);
    }

    private static void Softmax(ReadOnlySpan<float> logits, Span<double> target)
    {
        double max = double.NegativeInfinity;
        foreach (var v in logits)
            max = Math.Max(max, v);
        double sum = 0;
        for (int k = 0; k < logits.Length; k++)
            sum += target[k] = Math.Exp(logits[k] - max);
        for (int k = 0; k < logits.Length; k++)
            target[k] /= sum;
    }
}
