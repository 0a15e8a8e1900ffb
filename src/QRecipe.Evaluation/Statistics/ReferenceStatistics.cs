using System.IO;
using System.Linq;
using QRecipe.Plan.Text;
using QRecipe.Runtime.IO;

namespace QRecipe.Evaluation.Statistics;

/// <summary>Reference statistics as <c>.npz</c>: <c>mu</c> (D) and <c>sigma</c> (D × D), the names ADM's reference
/// batches use for their pooled features.</summary>
public static class ReferenceStatistics
{
    public static GaussianStatistics Load(string path)
    {
        var arrays = NpzFile.Read(path);
        if (!arrays.TryGetValue("mu", out var mu) || !arrays.TryGetValue("sigma", out var sigma))
            throw new InvalidDataException($"{SafeText.Escape(path)}: reference statistics need arrays 'mu' and 'sigma'; the file has {ShortList.Join(", ", arrays.Keys.DefaultIfEmpty("none"), format: SafeText.Escape)}");
        if (mu.Shape.Count != 1 || sigma.Shape.Count != 2 || sigma.Shape[0] != mu.Shape[0] || sigma.Shape[1] != mu.Shape[0])
            throw new InvalidDataException($"{SafeText.Escape(path)}: 'mu' has shape ({ShortList.Join(", ", mu.Shape)}) and 'sigma' ({ShortList.Join(", ", sigma.Shape)}); a D vector and a D x D matrix are needed");
        if (mu.Values.Concat(sigma.Values).Any(v => !double.IsFinite(v)))
            throw new InvalidDataException($"{SafeText.Escape(path)}: the reference statistics hold non-finite values");
        return new GaussianStatistics(mu.Values, sigma.Values);
    }

    public static void Save(string path, GaussianStatistics statistics) =>
        NpzFile.Write(path, new[]
        {
            NpzFile.Doubles("mu", statistics.Mean, statistics.Dimension),
            NpzFile.Doubles("sigma", statistics.Covariance, statistics.Dimension, statistics.Dimension),
        });
}
