using System;

namespace QRecipe.Evaluation.Statistics;

/// <summary>Mean and covariance of a set of feature vectors, in float64: the Gaussian that FID compares. The
/// covariance is the unbiased one (divisor N − 1), as the reference implementations of FID use.</summary>
public sealed class GaussianStatistics
{
    public GaussianStatistics(double[] mean, double[] covariance)
    {
        if (covariance.Length != (long)mean.Length * mean.Length)
            throw new ArgumentException($"a mean of {mean.Length} values needs a {mean.Length} x {mean.Length} covariance, got {covariance.Length} values");
        Mean = mean;
        Covariance = covariance;
    }

    public double[] Mean { get; }

    /// <summary>Row-major Dimension × Dimension.</summary>
    public double[] Covariance { get; }

    public int Dimension => Mean.Length;

    /// <summary>Statistics of <paramref name="count"/> feature rows of <paramref name="dimension"/> values each.</summary>
    public static GaussianStatistics Of(ReadOnlySpan<float> features, int count, int dimension)
    {
        if (count < 2)
            throw new ArgumentException($"a covariance needs at least 2 samples, got {count}");
        if (features.Length != (long)count * dimension)
            throw new ArgumentException($"{count} rows of {dimension} features need {(long)count * dimension} values, got {features.Length}");
        var mean = new double[dimension];
        for (int i = 0; i < count; i++)
        {
            var row = features.Slice(i * dimension, dimension);
            for (int j = 0; j < dimension; j++)
                mean[j] += row[j];
        }
        for (int j = 0; j < dimension; j++)
            mean[j] /= count;

        // Centred rows accumulate into the upper triangle; one pass, float64 throughout.
        var covariance = new double[dimension * dimension];
        var centred = new double[dimension];
        for (int i = 0; i < count; i++)
        {
            var row = features.Slice(i * dimension, dimension);
            for (int j = 0; j < dimension; j++)
                centred[j] = row[j] - mean[j];
            for (int a = 0; a < dimension; a++)
            {
                double ca = centred[a];
                var target = covariance.AsSpan(a * dimension, dimension);
                for (int b = a; b < dimension; b++)
                    target[b] += ca * centred[b];
            }
        }
        for (int a = 0; a < dimension; a++)
        {
            for (int b = a; b < dimension; b++)
            {
                double value = covariance[a * dimension + b] / (count - 1);
                covariance[a * dimension + b] = value;
                covariance[b * dimension + a] = value;
            }
        }
        return new GaussianStatistics(mean, covariance);
    }
}
