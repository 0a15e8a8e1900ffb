using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using QRecipe.Plan.Text;
using QRecipe.Runtime.IO;

namespace QRecipe.Evaluation.Samples;

/// <summary>Images in the <c>.npz</c> layout of ADM's evaluation suite: <c>arr_0</c> uint8 N × H × W × C (C = 1 or 3)
/// and, optionally, <c>arr_1</c> integer class labels (N). The images are read a batch at a time straight from the
/// archive, so a 50,000-image file never has to fit in memory at once.</summary>
public sealed class AdmSampleFile : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly Stream _images;
    private int _next;

    private AdmSampleFile(string path, ZipArchive zip, Stream images, int[] shape, int[]? labels)
    {
        Path = path;
        _zip = zip;
        _images = images;
        (Count, Height, Width, Channels) = (shape[0], shape[1], shape[2], shape[3]);
        Labels = labels;
    }

    public string Path { get; }

    public int Count { get; }

    public int Height { get; }

    public int Width { get; }

    public int Channels { get; }

    /// <summary>The labels of <c>arr_1</c>, or null when the file has none.</summary>
    public int[]? Labels { get; }

    /// <summary>True when the archive holds an <c>arr_0</c> entry (images), false for one without (e.g. statistics).</summary>
    public static bool HasImages(string path)
    {
        using var zip = OpenZip(path);
        return zip.GetEntry("arr_0.npy") is not null;
    }

    public static AdmSampleFile Open(string path)
    {
        var name = SafeText.Escape(path);
        var zip = OpenZip(path);
        try
        {
            var entry = zip.GetEntry("arr_0.npy")
                ?? throw new InvalidDataException($"{name}: no images: an ADM sample file holds 'arr_0' (uint8 N x H x W x C); the file has {ShortList.Join(", ", zip.Entries.Select(e => e.FullName).DefaultIfEmpty("nothing"), format: SafeText.Quote)}");
            var images = entry.Open();
            var (dtype, shape) = NpyFile.ReadHeader(images, entry.Length, $"{path}:arr_0");
            if (dtype != "|u1")
                throw new InvalidDataException($"{name}: 'arr_0' holds {SafeText.Quote(dtype)}; images must be uint8 ('|u1'), pixels 0..255");
            if (shape.Length != 4 || shape[3] is not (1 or 3) || shape[1] < 1 || shape[2] < 1)
                throw new InvalidDataException($"{name}: 'arr_0' has shape ({string.Join(", ", shape)}); images must be N x H x W x C with C = 1 or 3 (channels last)");
            return new AdmSampleFile(path, zip, images, shape, ReadLabels(zip, shape[0], name));
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    /// <summary>Reads the next <paramref name="count"/> images; <paramref name="start"/> must continue the previous read.</summary>
    public void Read(Span<byte> target, int start, int count)
    {
        if (start != _next || target.Length != (long)count * Height * Width * Channels)
            throw new ArgumentException($"images are read in order: expected image {_next} and {count * Height * Width * Channels} bytes, got image {start} and {target.Length}");
        try
        {
            _images.ReadExactly(target);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            throw new InvalidDataException($"{SafeText.Escape(Path)}: cannot read images {start}..{start + count - 1} of 'arr_0': {SafeText.Escape(e.Message)}", e);
        }
        _next += count;
    }

    private static ZipArchive OpenZip(string path)
    {
        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new InvalidDataException($"{SafeText.Escape(path)}: not a readable .npz archive: {SafeText.Escape(e.Message, 200)}", e);
        }
    }

    private static int[]? ReadLabels(ZipArchive zip, int count, string name)
    {
        var entry = zip.GetEntry("arr_1.npy");
        if (entry is null)
            return null;
        // A label array of N int64 values plus its header: anything far larger is not one.
        if (entry.Length > 8L * count + NpyFile.MaxHeaderLength + 16)
            throw new InvalidDataException($"{name}: 'arr_1' has {entry.Length} bytes, more than {count} labels can take");
        var bytes = new byte[entry.Length];
        using (var stream = entry.Open())
            stream.ReadExactly(bytes);
        var labels = NpyFile.Parse(bytes, $"{name}:arr_1");
        if (labels.Shape.Count != 1 || labels.Shape[0] != count || labels.DType[1] is not ('i' or 'u'))
            throw new InvalidDataException($"{name}: 'arr_1' is {labels}; labels must be {count} integers, one per image");
        var result = new int[count];
        for (int i = 0; i < count; i++)
        {
            double value = labels.Values[i];
            if (value < 0 || value > int.MaxValue)
                throw new InvalidDataException($"{name}: label {i} is {value}; labels are class indices from 0");
            result[i] = (int)value;
        }
        return result;
    }

    public void Dispose()
    {
        _images.Dispose();
        _zip.Dispose();
    }
}
