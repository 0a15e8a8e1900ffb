using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

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

    public static NpyArray Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    public static NpyArray Parse(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw new InvalidDataException($"{path}: not a .npy file (it does not start with \\x93NUMPY)");
        int major = bytes[6], headerLength, headerStart;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
            headerStart = 10;
        }
        else if (major is 2 or 3)
        {
            if (bytes.Length < 12)
                throw new InvalidDataException($"{path}: truncated .npy header");
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]));
            headerStart = 12;
        }
        else
            throw new InvalidDataException($"{path}: .npy format version {major}.{bytes[7]} is not supported (1.0 to 3.0 are)");
        if (headerStart + headerLength > bytes.Length)
            throw new InvalidDataException($"{path}: the header claims {headerLength} bytes but the file has {bytes.Length - headerStart} after the preamble");
        var header = Encoding.UTF8.GetString(bytes.Slice(headerStart, headerLength));
        var (dtype, fortran, shape) = ParseHeader(header, path);
        if (fortran)
            throw new InvalidDataException($"{path}: Fortran-order arrays are not supported; save with np.ascontiguousarray(a)");
        var code = dtype.Length == 3 ? dtype[1..] : string.Empty;
        if (!ElementSizes.TryGetValue(code, out var size) || (dtype[0] != '<' && !(dtype[0] == '|' && size == 1)))
            throw new InvalidDataException($"{path}: element type '{dtype}' is not supported; use little-endian float32/float64 or int8..int64 ('<f4', '<f8', '|i1', '<i2', '<i4', '<i8', '|u1')");
        var count = shape.Aggregate(1L, (product, d) => product * d);
        var data = bytes[(headerStart + headerLength)..];
        if (data.Length != count * size)
            throw new InvalidDataException($"{path}: shape ({string.Join(", ", shape)}) of {dtype} needs {count * size} data bytes, the file has {data.Length}");
        var values = new double[count];
        for (var i = 0; i < values.Length; i++)
        {
            var element = data.Slice(i * size, size);
            values[i] = code switch
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
        return new NpyArray(dtype, shape, values);
    }

    private static (string DType, bool Fortran, int[] Shape) ParseHeader(string header, string path)
    {
        var descr = DescrPattern().Match(header);
        var order = OrderPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !order.Success || !shape.Success)
            throw new InvalidDataException($"{path}: .npy header is not a dict with 'descr', 'fortran_order' and 'shape': {header.Trim()}");
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                : throw new InvalidDataException($"{path}: .npy shape entry '{d}' is not a dimension"))
            .ToArray();
        return (descr.Groups[1].Value, order.Groups[1].Value == "True", dims);
    }

    /// <summary>Writes float32 values as a version 1.0 <c>&lt;f4</c> C-order file, atomically (temporary file, then
    /// rename), so an interrupted run never leaves a half-written array.</summary>
    public static void WriteSingles(string path, ReadOnlySpan<float> values, params int[] shape)
    {
        var data = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        var temporary = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(temporary, Encode("<f4", data, shape));
        File.Move(temporary, path, overwrite: true);
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
