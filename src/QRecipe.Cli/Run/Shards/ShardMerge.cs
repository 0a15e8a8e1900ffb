using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using QRecipe.Plan.Text;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Run.Shards;

/// <summary>
/// <c>qrecipe merge DIR… --out samples.npz</c>: joins the chunks of a sharded run. Every chunk must carry the same run
/// identity and every sample index 0..N−1 must be present exactly once; otherwise one line names what is inconsistent,
/// duplicated or missing, nothing is written and the exit code is 1. The archive has ADM's layout (<c>arr_0</c> uint8
/// N × H × W × C images, <c>arr_1</c> int64 labels); a latent model's run without a VAE has no images, and
/// <c>arr_0</c> then holds the float32 latents N × C × L × L. The manifest (<c>OUT.json</c>) records the identity.
/// </summary>
internal sealed class ShardMerge(TextWriter output, TextWriter error)
{
    public int Run(IReadOnlyList<string> folders, string outPath)
    {
        if (!outPath.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
        {
            error.WriteLine($"qrecipe: --out {SafeText.Escape(outPath)}: name a .npz file (the manifest goes beside it as .json)");
            return CliApp.UsageError;
        }
        if (folders.FirstOrDefault(f => !Directory.Exists(f)) is { } absent)
        {
            error.WriteLine($"qrecipe: {SafeText.Escape(absent)}: no such folder");
            return CliApp.UsageError;
        }
        var paths = folders.SelectMany(f => Directory.EnumerateFiles(f).Where(p => ChunkFile.IndexOf(Path.GetFileName(p)) is not null).Order(StringComparer.Ordinal)).ToList();
        if (paths.Count == 0)
        {
            error.WriteLine($"qrecipe: no chunk-NNNNNN.npz files in {ShortList.Join(", ", folders, format: SafeText.Escape)}");
            return CliApp.RecipeErrors;
        }
        foreach (var path in paths)
        {
            if (FileKind.Problem(path) is { } kind)
            {
                error.WriteLine($"qrecipe: {SafeText.Escape(path)} {kind}");
                return CliApp.RecipeErrors;
            }
        }
        var chunks = new List<ChunkFile>();
        try
        {
            foreach (var path in paths)
                chunks.Add(ChunkFile.Read(path));
        }
        catch (InvalidDataException e)
        {
            error.WriteLine("qrecipe: " + e.Message);
            return CliApp.RecipeErrors;
        }
        if (Problem(chunks) is { } problem)
        {
            error.WriteLine($"qrecipe: {problem}; nothing was written");
            return CliApp.RecipeErrors;
        }
        var ordered = chunks.OrderBy(c => c.Indices[0]).ToList();
        var manifestPath = Path.ChangeExtension(outPath, ".json");
        NpzFile.Write(outPath, Arrays(ordered));
        try
        {
            AtomicFile.Write(manifestPath, Manifest(ordered, folders));
        }
        catch
        {
            File.Delete(outPath);
            throw;
        }
        var first = ordered[0];
        output.WriteLine($"merged {ordered.Sum(c => c.Indices.Length)} samples of {SafeText.Escape(first.Identity["recipe"])} from {ordered.Count} chunks into {SafeText.Escape(outPath)} "
            + $"({(first.Images is null ? "float32 latents" : "uint8 images")}) and {SafeText.Escape(manifestPath)}");
        return 0;
    }

    /// <summary>The first inconsistency, duplicate or gap, as one clause; null when the chunks make one whole run.</summary>
    private static string? Problem(IReadOnlyList<ChunkFile> chunks)
    {
        var reference = chunks[0];
        foreach (var chunk in chunks.Skip(1))
        {
            if (reference.Identity.Difference(chunk.Identity) is { } d)
                return $"{Name(reference)} has {d.Name} {SafeText.Escape(d.Mine)} but {Name(chunk)} has {SafeText.Escape(d.Theirs)}: they are chunks of different runs";
        }
        var samples = int.Parse(reference.Identity["samples"], CultureInfo.InvariantCulture);
        var chunkSize = int.Parse(reference.Identity["chunk_size"], CultureInfo.InvariantCulture);
        var owner = new ChunkFile?[samples];
        foreach (var chunk in chunks)
        {
            var index = ChunkFile.IndexOf(Path.GetFileName(chunk.Path))!.Value;
            var (first, count) = ShardChunks.Samples(index, chunkSize, samples);
            if (count == 0 || chunk.Indices.Length != count || chunk.Indices.Where((sample, i) => sample != first + i).Any())
                return $"{Name(chunk)} holds samples {chunk.Indices[0]}..{chunk.Indices[^1]}, but chunk {index} of {samples} samples in chunks of {chunkSize} is "
                    + (count == 0 ? "past the last sample" : $"samples {first}..{first + count - 1}");
            if (chunk.Images is null != reference.Images is null || (chunk.ImageShape is { } shape && !shape.SequenceEqual(reference.ImageShape!)) || !chunk.SampleShape.SequenceEqual(reference.SampleShape))
                return $"{Name(chunk)} and {Name(reference)} hold samples of different shapes";
            for (var i = first; i < first + count; i++)
            {
                if (owner[i] is { } other)
                    return $"sample {i} is duplicated: both {Name(other)} and {Name(chunk)} hold it";
                owner[i] = chunk;
            }
        }
        var gaps = Gaps(owner);
        if (gaps.Count == 0)
            return null;
        var missing = gaps.Sum(g => g.End - g.First + 1);
        return $"{missing} of {samples} samples are missing: {ShortList.Join(", ", gaps, format: g => g.First == g.End ? $"{g.First}" : $"{g.First}..{g.End}")} "
            + $"(chunks {ShortList.Join(", ", gaps.SelectMany(g => Enumerable.Range(g.First / chunkSize, g.End / chunkSize - g.First / chunkSize + 1)).Distinct())}); run their shards again";
    }

    private static List<(int First, int End)> Gaps(ChunkFile?[] owner)
    {
        var gaps = new List<(int, int)>();
        for (var i = 0; i < owner.Length; i++)
        {
            if (owner[i] is not null)
                continue;
            var start = i;
            while (i + 1 < owner.Length && owner[i + 1] is null)
                i++;
            gaps.Add((start, i));
        }
        return gaps;
    }

    private static IEnumerable<NpzFile.Entry> Arrays(IReadOnlyList<ChunkFile> chunks)
    {
        var n = chunks.Sum(c => c.Indices.Length);
        var labels = chunks.SelectMany(c => c.Labels).ToArray();
        var first = chunks[0];
        var samples = first.Images is { } && first.ImageShape is { } imageShape
            ? NpzFile.Bytes("arr_0", chunks.SelectMany(c => c.Images!).ToArray(), [n, .. imageShape])
            : NpzFile.Singles("arr_0", chunks.SelectMany(c => c.Samples).ToArray(), [n, .. first.SampleShape]);
        return [samples, NpzFile.Int64s("arr_1", labels, n)];
    }

    private static byte[] Manifest(IReadOnlyList<ChunkFile> chunks, IReadOnlyList<string> folders)
    {
        var first = chunks[0];
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, RunIdentity.Options))
        {
            json.WriteStartObject();
            json.WritePropertyName("run");
            first.Identity.Write(json);
            json.WriteNumber("n", chunks.Sum(c => c.Indices.Length));
            json.WriteString("arr_0", first.Images is null
                ? $"float32 latents N x {string.Join(" x ", first.SampleShape)} (no images: a latent model sampled without --vae)"
                : $"uint8 images N x {string.Join(" x ", first.ImageShape!)} (N x H x W x C)");
            json.WriteString("arr_1", "int64 class labels");
            json.WriteString("noise", "per sample: Philox4x32-10 keyed with the seed, streams index*2^24 (initial noise), index*2^24 + 1 + step (step noise), index*2^24 + 2^24 - 1 (label); docs/cluster.md");
            json.WriteNumber("chunks", chunks.Count);
            json.WriteStartArray("folders");
            foreach (var folder in folders)
                json.WriteStringValue(folder);
            json.WriteEndArray();
            json.WriteString("merged_by", RunIdentity.SoftwareVersion);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static string Name(ChunkFile chunk) => SafeText.Escape(chunk.Path);
}
