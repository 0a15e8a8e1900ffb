using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using QRecipe.Plan.Text;

namespace QRecipe.Runtime.IO;

/// <summary>Reads and writes NumPy <c>.npy</c> files, format versions 1.0–3.0: little-endian float32/float64 and
/// int8..int64 (and uint8), C order. Researchers hand operands and initial noise to the CLI this way and get
/// latents back. Anything else is refused with the file name and the reason.</summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["f4"] = 4, ["f8"] = 8, ["i1"] = 1, ["u1"] = 1, ["i2"] = 2, ["i4"] = 4, ["i8"] = 8,
    };

    /// <summary>The longest header read: numpy.load's own default limit (max_header_size). The format allows 4 GiB
    /// headers (version 2.0 and 3.0), which would otherwise be allocated before anything is checked; the headers of
    /// the arrays this reader supports are under 200 bytes.</summary>
    public const int MaxHeaderLength = 10_000;

    // Data is decoded this many bytes at a time, so a file is never held whole next to its values.
    private const int ChunkBytes = 1 << 20;

    /// <summary>Where the data starts, its element type and shape, as the preamble and header declare them.</summary>
    private sealed record Layout(string DType, string Code, int ElementSize, int[] Shape, long Count, long DataStart, long DataBytes);

    /// <summary>Reads a file, checking the header and the declared size against the file before reading the data.</summary>
    public static NpyArray Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var preamble = new byte[12];
            var layout = ReadLayout(preamble.AsSpan(0, stream.ReadAtLeast(preamble, preamble.Length, throwOnEndOfStream: false)), stream.Length,
                (start, length) =>
                {
                    var header = new byte[length];
                    stream.Position = start;
                    stream.ReadExactly(header);
                    return header;
                }, path);
            var values = new double[layout.Count];
            var chunk = new byte[(int)Math.Min(ChunkBytes, Math.Max(layout.DataBytes, 1))];
            var elementsPerChunk = chunk.Length / layout.ElementSize;
            stream.Position = layout.DataStart;
            for (long done = 0; done < layout.Count; done += elementsPerChunk)
            {
                var count = (int)Math.Min(elementsPerChunk, layout.Count - done);
                stream.ReadExactly(chunk, 0, count * layout.ElementSize);
                Decode(chunk.AsSpan(0, count * layout.ElementSize), layout, values.AsSpan((int)done, count));
            }
            return new NpyArray(layout.DType, layout.Shape, values);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{SafeText.Escape(path)}: cannot read: {SafeText.Escape(e.Message)}", e);
        }
    }

    /// <summary>The element type and shape of an array whose <c>.npy</c> bytes <paramref name="stream"/> delivers
    /// (<paramref name="length"/> bytes in all, e.g. an entry of an <c>.npz</c> archive), checked as <see cref="Read"/>
    /// checks them; the stream is left at the first data byte, so large arrays can be read a slice at a time.</summary>
    public static (string DType, int[] Shape) ReadHeader(Stream stream, long length, string path)
    {
        var preamble = new byte[12];
        int got = stream.ReadAtLeast(preamble, preamble.Length, throwOnEndOfStream: false);
        var layout = ReadLayout(preamble.AsSpan(0, got), length, (start, size) =>
        {
            // The preamble read may already hold the header's first bytes (version 1.0 headers start at byte 10).
            var header = new byte[size];
            int have = Math.Min(Math.Max(got - start, 0), size);
            preamble.AsSpan(start, have).CopyTo(header);
            stream.ReadExactly(header, have, size - have);
            return header;
        }, path);
        // The stream is now at headerStart + headerLength, the first data byte; a header shorter than the preamble
        // read cannot hold 'descr' and 'shape', so ReadLayout has refused it already.
        return (layout.DType, layout.Shape);
    }

    /// <summary>A whole file already in memory (e.g. an entry of an <c>.npz</c> archive).</summary>
    public static NpyArray Parse(ReadOnlySpan<byte> bytes, string path)
    {
        var file = bytes.ToArray();
        var layout = ReadLayout(file.AsSpan(0, Math.Min(12, file.Length)), file.Length, (start, length) => file.AsSpan(start, length).ToArray(), path);
        var values = new double[layout.Count];
        Decode(file.AsSpan((int)layout.DataStart), layout, values);
        return new NpyArray(layout.DType, layout.Shape, values);
    }

    /// <summary>Checks the preamble, the header and the data size the header declares against the file's length;
    /// <paramref name="readHeader"/> gives the header bytes once their length has passed the limit.</summary>
    private static Layout ReadLayout(ReadOnlySpan<byte> preamble, long fileLength, Func<int, int, byte[]> readHeader, string path)
    {
        var name = SafeText.Escape(path);
        if (preamble.Length < 10 || !preamble[..6].SequenceEqual(Magic))
            throw new InvalidDataException($"{name}: not a .npy file (it does not start with \\x93NUMPY)");
        int major = preamble[6], headerStart;
        long headerLength;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]);
            headerStart = 10;
        }
        else if (major is 2 or 3)
        {
            if (preamble.Length < 12)
                throw new InvalidDataException($"{name}: truncated .npy header");
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]);
            headerStart = 12;
        }
        else
            throw new InvalidDataException($"{name}: .npy format version {major}.{preamble[7]} is not supported (1.0 to 3.0 are)");
        if (headerLength > MaxHeaderLength)
            throw new InvalidDataException($"{name}: the .npy header is {headerLength} bytes; at most {MaxHeaderLength} are read (numpy.load's limit)");
        if (headerStart + headerLength > fileLength)
            throw new InvalidDataException($"{name}: the header claims {headerLength} bytes but the file has {fileLength - headerStart} after the preamble");
        var header = Encoding.UTF8.GetString(readHeader(headerStart, (int)headerLength));
        var (dtype, fortran, shape) = ParseHeader(header, name);
        if (fortran)
            throw new InvalidDataException($"{name}: Fortran-order arrays are not supported; save with np.ascontiguousarray(a)");
        var code = dtype.Length == 3 ? dtype[1..] : string.Empty;
        if (!ElementSizes.TryGetValue(code, out var size) || (dtype[0] != '<' && !(dtype[0] == '|' && size == 1)))
            throw new InvalidDataException($"{name}: element type {SafeText.Quote(dtype)} is not supported; use little-endian float32/float64 or int8..int64 ('<f4', '<f8', '|i1', '<i2', '<i4', '<i8', '|u1')");
        var dataStart = headerStart + headerLength;
        var present = fileLength - dataStart;
        long count, bytes;
        try
        {
            count = shape.Aggregate(1L, (product, d) => checked(product * d));
            bytes = checked(count * size);
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{name}: shape ({ShortList.Join(", ", shape)}) of {dtype} has more elements than 64-bit sizes can count; the file has {present} data bytes");
        }
        if (bytes != present)
            throw new InvalidDataException($"{name}: shape ({ShortList.Join(", ", shape)}) of {dtype} needs {bytes} data bytes, the file has {present}");
        if (count > Array.MaxLength)
            throw new InvalidDataException($"{name}: shape ({ShortList.Join(", ", shape)}) has {count} elements; at most {Array.MaxLength} are read into one array");
        return new Layout(dtype, code, size, shape, count, dataStart, bytes);
    }

    private static void Decode(ReadOnlySpan<byte> data, Layout layout, Span<double> values)
    {
        var size = layout.ElementSize;
        for (var i = 0; i < values.Length; i++)
        {
            var element = data.Slice(i * size, size);
            values[i] = layout.Code switch
            {
                "f4" => BinaryPrimitives.ReadSingleLittleEndian(element),
                "f8" => BinaryPrimitives.ReadDoubleLittleEndian(element),
                "i1" => (sbyte)element[0],
                "u1" => element[0],
                "i2" => BinaryPrimitives.ReadInt16LittleEndian(element),
                "i4" => BinaryPrimitives.ReadInt32LittleEndian(element),
                _ => BinaryPrimitives.ReadInt64LittleEndian(element),
            };
        }
    }

    private static (string DType, bool Fortran, int[] Shape) ParseHeader(string header, string name)
    {
        var descr = DescrPattern().Match(header);
        var order = OrderPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !order.Success || !shape.Success)
            throw new InvalidDataException($"{name}: .npy header is not a dict with 'descr', 'fortran_order' and 'shape': {SafeText.Escape(header.Trim(), 200)}");
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                : throw new InvalidDataException($"{name}: .npy shape entry '{SafeText.Escape(d, 40)}' is not a dimension (0..{int.MaxValue})"))
            .ToArray();
        return (descr.Groups[1].Value, order.Groups[1].Value == "True", dims);
    }

    /// <summary>Writes float32 values as a version 1.0 <c>&lt;f4</c> C-order file, atomically (<see cref="AtomicFile"/>),
    /// so an interrupted run never leaves a half-written array.</summary>
    public static void WriteSingles(string path, ReadOnlySpan<float> values, params int[] shape)
    {
        var data = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        AtomicFile.Write(path, Encode("<f4", data, shape));
    }

    /// <summary>A whole <c>.npy</c> file (format 1.0, C order) around little-endian <paramref name="data"/> of NumPy type
    /// <paramref name="descr"/> (e.g. <c>&lt;f4</c>, <c>|u1</c>, <c>&lt;i8</c>).</summary>
    public static byte[] Encode(string descr, ReadOnlySpan<byte> data, params int[] shape)
    {
        var count = shape.Aggregate(1L, (product, d) => product * d);
        if (!ElementSizes.TryGetValue(descr[1..], out var size) || count * size != data.Length)
            throw new ArgumentException($"{data.Length} bytes of {descr} do not fill shape ({string.Join(", ", shape)})");
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        // Pad with spaces so the data starts on a 64-byte boundary; the header ends with a newline.
        var total = Magic.Length + 4 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        var bytes = new byte[Magic.Length + 4 + header.Length + data.Length];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(10));
        data.CopyTo(bytes.AsSpan(10 + header.Length));
        return bytes;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex OrderPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
