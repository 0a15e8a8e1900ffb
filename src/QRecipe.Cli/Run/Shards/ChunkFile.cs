using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using QRecipe.Plan.Text;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Run.Shards;

/// <summary>
/// One chunk of a sharded run, <c>chunk-NNNNNN.npz</c> (the chunk index, six digits or more), written atomically:
/// <c>samples</c> float32 count × C × L × L (the sampler's final states: pixels in [−1, 1] or latents), <c>images</c>
/// uint8 count × H × W × C when the run has images (a pixel-space model, or a VAE), <c>labels</c> and <c>indices</c>
/// int64 (the samples' class labels and run-wide indices) and <c>settings</c>, the run's identity as UTF-8 JSON.
/// </summary>
internal sealed record ChunkFile(string Path, RunIdentity Identity, long[] Indices, long[] Labels, float[] Samples, int[] SampleShape, byte[]? Images, int[]? ImageShape)
{
    public static string Name(int chunk) => "chunk-" + chunk.ToString("D6", CultureInfo.InvariantCulture) + ".npz";

    /// <summary>The chunk index a file name holds, or null for any other name.</summary>
    public static int? IndexOf(string fileName) =>
        fileName.StartsWith("chunk-", StringComparison.Ordinal) && fileName.EndsWith(".npz", StringComparison.Ordinal)
        && int.TryParse(fileName["chunk-".Length..^".npz".Length], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
        && Name(index) == fileName ? index : null;

    public static void Write(string path, RunIdentity identity, int firstSample, int[] labels, float[] samples, int[] sampleShape, byte[]? images, int[]? imageShape)
    {
        var count = labels.Length;
        var entries = new List<NpzFile.Entry>
        {
            NpzFile.Singles("samples", samples, [count, .. sampleShape]),
            NpzFile.Int64s("labels", labels.Select(l => (long)l).ToArray(), count),
            NpzFile.Int64s("indices", Enumerable.Range(firstSample, count).Select(i => (long)i).ToArray(), count),
        };
        if (images is not null)
            entries.Add(NpzFile.Bytes("images", images, [count, .. imageShape!]));
        var settings = identity.ToJson();
        entries.Add(NpzFile.Bytes("settings", settings, settings.Length));
        NpzFile.Write(path, entries);
    }

    /// <summary>Only the identity (a rerun checks it); <see cref="InvalidDataException"/> naming the file when unreadable.</summary>
    public static RunIdentity ReadIdentity(string path) => IdentityIn(Arrays(path), path);

    /// <summary>The whole chunk, its arrays checked against each other.</summary>
    public static ChunkFile Read(string path)
    {
        var arrays = Arrays(path);
        var identity = IdentityIn(arrays, path);
        var samples = Array(arrays, path, "samples", "<f4");
        var labels = Array(arrays, path, "labels", "<i8");
        var indices = Array(arrays, path, "indices", "<i8");
        var count = labels.Shape.Count == 1 ? labels.Shape[0] : -1;
        if (count < 1 || indices.Shape.SequenceEqual(labels.Shape) is false || samples.Shape.Count != 4 || samples.Shape[0] != count)
            throw new InvalidDataException($"{SafeText.Escape(path)}: labels {labels}, indices {indices} and samples {samples} do not describe the same samples");
        byte[]? images = null;
        int[]? imageShape = null;
        if (arrays.ContainsKey("images"))
        {
            var array = Array(arrays, path, "images", "|u1");
            if (array.Shape.Count != 4 || array.Shape[0] != count)
                throw new InvalidDataException($"{SafeText.Escape(path)}: images {array} do not match {count} samples");
            images = array.Values.Select(v => (byte)v).ToArray();
            imageShape = array.Shape.Skip(1).ToArray();
        }
        return new ChunkFile(path, identity, indices.Values.Select(v => (long)v).ToArray(), labels.Values.Select(v => (long)v).ToArray(),
            samples.ToSingles(), samples.Shape.Skip(1).ToArray(), images, imageShape);
    }

    /// <summary>The file's arrays; a file that is not a ZIP archive is named in the message too.</summary>
    private static IReadOnlyDictionary<string, NpyArray> Arrays(string path)
    {
        try
        {
            return NpzFile.Read(path);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(SafeText.Escape(path), StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{SafeText.Escape(path)}: not a .npz archive ({SafeText.Escape(e.Message)})", e);
        }
    }

    private static RunIdentity IdentityIn(IReadOnlyDictionary<string, NpyArray> arrays, string path)
    {
        var settings = Array(arrays, path, "settings", "|u1");
        return RunIdentity.Parse(settings.Values.Select(v => (byte)v).ToArray(), SafeText.Escape(path));
    }

    private static NpyArray Array(IReadOnlyDictionary<string, NpyArray> arrays, string path, string name, string dtype)
    {
        if (!arrays.TryGetValue(name, out var array))
            throw new InvalidDataException($"{SafeText.Escape(path)}: no array '{name}'; not a chunk of a qrecipe sharded run");
        if (array.DType != dtype)
            throw new InvalidDataException($"{SafeText.Escape(path)}: array '{name}' is {array.DType}, not {dtype}");
        return array;
    }
}
