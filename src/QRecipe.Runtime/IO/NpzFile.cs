using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using QRecipe.Plan.Text;

namespace QRecipe.Runtime.IO;

/// <summary>NumPy <c>.npz</c> archives: a ZIP of <c>NAME.npy</c> entries, as <c>numpy.savez</c> writes them (stored,
/// not deflated). The sample archives use the layout of ADM's evaluation suite (<c>arr_0</c> images, <c>arr_1</c>
/// labels); reference statistics use <c>mu</c> and <c>sigma</c>.</summary>
public static class NpzFile
{
    /// <summary>One array to write: its name without <c>.npy</c>, NumPy type string, shape and little-endian bytes.</summary>
    public sealed record Entry(string Name, string Descr, int[] Shape, byte[] Data);

    public static Entry Bytes(string name, byte[] values, params int[] shape) => new(name, "|u1", shape, values);

    public static Entry Int64s(string name, ReadOnlySpan<long> values, params int[] shape)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
            BitConverter.TryWriteBytes(data.AsSpan(i * 8), values[i]);
        return new(name, "<i8", shape, data);
    }

    public static Entry Singles(string name, ReadOnlySpan<float> values, params int[] shape)
    {
        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            BitConverter.TryWriteBytes(data.AsSpan(i * 4), values[i]);
        return new(name, "<f4", shape, data);
    }

    public static Entry Doubles(string name, ReadOnlySpan<double> values, params int[] shape)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
            BitConverter.TryWriteBytes(data.AsSpan(i * 8), values[i]);
        return new(name, "<f8", shape, data);
    }

    /// <summary>Writes the archive atomically (<see cref="AtomicFile"/>).</summary>
    public static void Write(string path, IEnumerable<Entry> entries)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException(".npz files are written on little-endian machines only");
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var entry in entries)
            {
                using var target = zip.CreateEntry(entry.Name + ".npy", CompressionLevel.NoCompression).Open();
                target.Write(NpyFile.Encode(entry.Descr, entry.Data, entry.Shape));
            }
        });
    }

    /// <summary>Every array of the archive by name (without <c>.npy</c>).</summary>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (var entry in zip.Entries)
            {
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                    continue;
                // The declared size is the one buffer an entry gets; data beyond it (a deflated entry that expands
                // further) is refused rather than read.
                if (entry.Length > Array.MaxLength)
                    throw new InvalidDataException($"{SafeText.Escape(path)}: entry {SafeText.Quote(entry.FullName)} declares {entry.Length} bytes; at most {Array.MaxLength} are read");
                using var source = entry.Open();
                var buffer = new byte[entry.Length];
                var read = source.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                if (read < buffer.Length || source.ReadByte() >= 0)
                    throw new InvalidDataException($"{SafeText.Escape(path)}: entry {SafeText.Quote(entry.FullName)} declares {entry.Length} bytes but holds {(read < buffer.Length ? read.ToString(System.Globalization.CultureInfo.InvariantCulture) : "more")}");
                arrays[entry.FullName[..^4]] = NpyFile.Parse(buffer, $"{path}:{entry.FullName}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{SafeText.Escape(path)}: cannot read: {SafeText.Escape(e.Message)}", e);
        }
        return arrays;
    }
}
