using System;
using System.IO;
using System.Linq;
using System.Threading;
using QRecipe.Evaluation.Features;
using QRecipe.Evaluation.Samples;
using QRecipe.Evaluation.Statistics;
using QRecipe.Plan.Text;

namespace QRecipe.Cli.Eval;

/// <summary>The reference of <c>qrecipe eval</c>: an image file (ADM layout) whose statistics are computed by the
/// feature network and cached beside it as <c>REF.stats-XXXXXXXX.npz</c> (XXXXXXXX: the start of the network's
/// fingerprint), or a statistics file (docs/evaluation.md).</summary>
internal sealed record EvalReference(ReferenceBatch Batch, string Kind, string? CachePath)
{
    public static EvalReference Load(string path, FeatureNetwork network, int batchSize, TextWriter output, CancellationToken cancellation)
    {
        var fingerprint = NetworkFingerprint.Of(network);
        if (!AdmSampleFile.HasImages(path))
        {
            var statistics = ReferenceBatch.Load(path);
            if (statistics.Fingerprint is { } made && !made.SequenceEqual(fingerprint))
                throw new InvalidDataException($"{SafeText.Escape(path)} was computed by another feature network or with other input settings; give the reference images or statistics made by {SafeText.Escape(network.Path)}");
            return new EvalReference(statistics, "statistics", null);
        }
        var file = new FileInfo(path);
        // Milliseconds, not ticks: .npz arrays are read back through float64, exact only up to 2^53.
        var stamp = new[] { file.Length, new DateTimeOffset(file.LastWriteTimeUtc).ToUnixTimeMilliseconds() };
        var stem = path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) ? path[..^4] : path;
        var cache = $"{stem}.stats-{Convert.ToHexStringLower(fingerprint, 0, 4)}.npz";
        if (File.Exists(cache) && TryCached(cache, fingerprint, stamp) is { } cached)
        {
            output.WriteLine($"  reference statistics from the cache {cache}");
            return new EvalReference(cached, "images (cached statistics)", cache);
        }
        using var images = AdmSampleFile.Open(path);
        var progress = new FeatureProgress(output, "reference features", images.Count);
        var set = network.Run(images.Read, images.Count, images.Height, images.Width, images.Channels, batchSize, progress.Report, cancellation);
        var batch = ReferenceBatch.Of(set, fingerprint, stamp);
        try
        {
            batch.Save(cache);
            output.WriteLine($"  reference statistics cached in {cache}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.WriteLine($"  reference statistics not cached: {SafeText.Escape(e.Message, 200)}");
            cache = null;
        }
        return new EvalReference(batch, "images", cache);
    }

    /// <summary>The cache when it was made by this network from this very file; null (recompute) otherwise.</summary>
    private static ReferenceBatch? TryCached(string cache, byte[] fingerprint, long[] stamp)
    {
        try
        {
            var batch = ReferenceBatch.Load(cache);
            return batch.Fingerprint is { } f && f.SequenceEqual(fingerprint) && batch.ReferenceFile is { } r && r.SequenceEqual(stamp) && batch.Features is not null ? batch : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
