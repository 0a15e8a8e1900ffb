using System.IO;

namespace QRecipe.Evaluation.Statistics;

/// <summary>Gaussian statistics of feature rows with the checks bad input needs: at least 2 rows, every value and
/// the resulting covariance finite. Each failure is an <see cref="InvalidDataException"/> naming the row.</summary>
public static class Moments
{
    public static GaussianStatistics Of(float[] rows, int count, int dimension, string what)
    {
        if (count < 2)
            throw new InvalidDataException($"{what}: a covariance needs at least 2 samples, got {count}");
        for (long i = 0; i < rows.LongLength; i++)
        {
            if (!float.IsFinite(rows[i]))
                throw new InvalidDataException($"{what}: row {i / dimension}, feature {i % dimension} is {rows[i]}; the network must give finite features");
        }
        var statistics = GaussianStatistics.Of(rows, count, dimension);
        foreach (var value in statistics.Covariance)
        {
            if (!double.IsFinite(value))
                throw new InvalidDataException($"{what}: the covariance of {count} rows of {dimension} features is not finite (features too large to square in float64)");
        }
        return statistics;
    }
}
