using System.Collections.Generic;
using System.IO;
using System.Linq;
using QRecipe.Evaluation.Features;
using QRecipe.Plan.Text;
using QRecipe.Runtime.IO;

namespace QRecipe.Evaluation.Statistics;

/// <summary>What samples are compared against, as a feature network sees the reference images: the Gaussian of the
/// pooled features (FID), of the spatial features (sFID, where the network has them) and the pooled features
/// themselves (precision and recall). Stored as <c>.npz</c> (docs/evaluation.md): <c>mu</c>, <c>sigma</c>
/// (float64), optional <c>mu_s</c>, <c>sigma_s</c> (float64), <c>features</c> (float32 N × D) and
/// <c>radii_k3</c> (float64 N: each feature row's squared distance to its third nearest other row, the reference
/// manifold precision needs), <c>fingerprint</c> (uint8, 32 bytes: the network and settings that made it) and <c>reference_file</c> (int64: the
/// size in bytes and the modification time in Unix milliseconds of the image file it was computed from).</summary>
public sealed record ReferenceBatch(GaussianStatistics Pooled, GaussianStatistics? Spatial, float[]? Features, int FeatureCount, byte[]? Fingerprint, long[]? ReferenceFile)
{
    /// <summary>The reference manifold's radii for k = 3 (<see cref="ManifoldPrecisionRecall"/>), where stored or computed.</summary>
    public double[]? Radii { get; init; }

    /// <summary>The statistics of a feature set; <paramref name="fingerprint"/> and <paramref name="referenceFile"/>
    /// say where they came from, so a cache is used only for the same network and the same images.</summary>
    public static ReferenceBatch Of(FeatureSet set, byte[]? fingerprint, long[]? referenceFile) => new(
        Moments.Of(set.Features, set.Count, set.FeatureSize, "reference features"),
        set.SpatialSize > 0 ? Moments.Of(set.Spatial, set.Count, set.SpatialSize, "reference spatial features") : null,
        set.Features, set.Count, fingerprint, referenceFile)
    {
        Radii = set.Count > ManifoldPrecisionRecall.AdmNeighbours ? ManifoldPrecisionRecall.Radii(set.Features, set.Count, set.FeatureSize, ManifoldPrecisionRecall.AdmNeighbours) : null,
    };

    public static ReferenceBatch Load(string path)
    {
        var name = SafeText.Escape(path);
        var arrays = NpzFile.Read(path);
        var pooled = Gaussian(arrays, "mu", "sigma", name)
            ?? throw new InvalidDataException($"{name}: reference statistics need arrays 'mu' and 'sigma'; the file has {ShortList.Join(", ", arrays.Keys.DefaultIfEmpty("none"), format: SafeText.Quote)}");
        var spatial = Gaussian(arrays, "mu_s", "sigma_s", name);
        float[]? features = null;
        int count = 0;
        if (arrays.TryGetValue("features", out var f))
        {
            if (f.Shape.Count != 2 || f.Shape[1] != pooled.Dimension)
                throw new InvalidDataException($"{name}: 'features' has shape ({ShortList.Join(", ", f.Shape)}); ({f.Shape[0]}, {pooled.Dimension}) matches 'mu'");
            if (f.Values.Any(v => !double.IsFinite(v)))
                throw new InvalidDataException($"{name}: 'features' holds non-finite values");
            features = f.ToSingles();
            count = f.Shape[0];
        }
        byte[]? fingerprint = arrays.TryGetValue("fingerprint", out var fp) ? fp.Values.Select(v => (byte)v).ToArray() : null;
        long[]? source = arrays.TryGetValue("reference_file", out var rf) ? rf.Values.Select(v => (long)v).ToArray() : null;
        double[]? radii = null;
        if (arrays.TryGetValue("radii_k3", out var r))
        {
            if (features is null || r.Shape.Count != 1 || r.Shape[0] != count || r.Values.Any(v => !double.IsFinite(v) || v < 0))
                throw new InvalidDataException($"{name}: 'radii_k3' must hold one finite distance ≥ 0 per row of 'features'");
            radii = r.Values;
        }
        return new ReferenceBatch(pooled, spatial, features, count, fingerprint, source) { Radii = radii };
    }

    public void Save(string path)
    {
        var entries = new List<NpzFile.Entry>
        {
            NpzFile.Doubles("mu", Pooled.Mean, Pooled.Dimension),
            NpzFile.Doubles("sigma", Pooled.Covariance, Pooled.Dimension, Pooled.Dimension),
        };
        if (Spatial is { } s)
        {
            entries.Add(NpzFile.Doubles("mu_s", s.Mean, s.Dimension));
            entries.Add(NpzFile.Doubles("sigma_s", s.Covariance, s.Dimension, s.Dimension));
        }
        if (Features is { } f)
            entries.Add(NpzFile.Singles("features", f, FeatureCount, Pooled.Dimension));
        if (Radii is { } radii)
            entries.Add(NpzFile.Doubles("radii_k3", radii, radii.Length));
        if (Fingerprint is { } fp)
            entries.Add(NpzFile.Bytes("fingerprint", fp, fp.Length));
        if (ReferenceFile is { } rf)
            entries.Add(NpzFile.Int64s("reference_file", rf, rf.Length));
        NpzFile.Write(path, entries);
    }

    private static GaussianStatistics? Gaussian(IReadOnlyDictionary<string, NpyArray> arrays, string meanName, string covarianceName, string name)
    {
        bool hasMean = arrays.TryGetValue(meanName, out var mu), hasCovariance = arrays.TryGetValue(covarianceName, out var sigma);
        if (!hasMean && !hasCovariance)
            return null;
        if (mu is null || sigma is null)
            throw new InvalidDataException($"{name}: '{(mu is null ? meanName : covarianceName)}' is missing; '{meanName}' and '{covarianceName}' go together");
        if (mu.Shape.Count != 1 || sigma.Shape.Count != 2 || sigma.Shape[0] != mu.Shape[0] || sigma.Shape[1] != mu.Shape[0])
            throw new InvalidDataException($"{name}: '{meanName}' has shape ({ShortList.Join(", ", mu.Shape)}) and '{covarianceName}' ({ShortList.Join(", ", sigma.Shape)}); a D vector and a D x D matrix are needed");
        if (mu.Values.Concat(sigma.Values).Any(v => !double.IsFinite(v)))
            throw new InvalidDataException($"{name}: '{meanName}' or '{covarianceName}' holds non-finite values");
        return new GaussianStatistics(mu.Values, sigma.Values);
    }
}
