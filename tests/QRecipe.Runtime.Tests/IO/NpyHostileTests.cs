using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using QRecipe.Runtime.IO;

namespace QRecipe.Runtime.Tests.IO;

/// <summary>Headers and sizes a .npy file declares: the header length is capped before anything is allocated, the
/// element count is computed with checked arithmetic, and the data must be exactly what the shape needs.</summary>
public sealed class NpyHostileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"npy-hostile-{Guid.NewGuid():N}.npy");

    public void Dispose() => File.Delete(_path);

    /// <summary>A version 2.0 file (4-byte header length) with the given header text, declared length and data.</summary>
    private string Write(string header, uint? declaredLength = null, int dataBytes = 0)
    {
        var text = Encoding.ASCII.GetBytes(header);
        var bytes = new byte[12 + text.Length + dataBytes];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0 }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), declaredLength ?? (uint)text.Length);
        text.CopyTo(bytes, 12);
        File.WriteAllBytes(_path, bytes);
        return _path;
    }

    [Fact]
    public void A_4_GiB_header_length_is_refused_before_it_is_read()
    {
        Write("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", declaredLength: uint.MaxValue, dataBytes: 4);

        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(_path));

        Assert.Equal($"{_path}: the .npy header is 4294967295 bytes; at most 10000 are read (numpy.load's limit)", error.Message);
    }

    [Fact]
    public void A_header_over_the_limit_is_refused_even_when_the_file_holds_it()
    {
        // A valid dict padded with spaces to 10,001 bytes, the length numpy.load refuses by default.
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }";
        Write(dict + new string(' ', 10_000 - dict.Length) + "\n", dataBytes: 4);

        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(_path));

        Assert.Contains("the .npy header is 10001 bytes; at most 10000 are read", error.Message);
    }

    [Fact]
    public void A_shape_whose_element_count_wraps_to_zero_is_refused()
    {
        // 2^30 · 2^30 · 16 = 2^64 wraps to 0 elements, which matched the empty data section.
        Write("{'descr': '<f8', 'fortran_order': False, 'shape': (1073741824, 1073741824, 16), }\n");

        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(_path));

        Assert.Equal($"{_path}: shape (1073741824, 1073741824, 16) of <f8 has more elements than 64-bit sizes can count; the file has 0 data bytes", error.Message);
    }

    [Fact]
    public void Data_beyond_what_the_shape_needs_is_refused()
    {
        Write("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", dataBytes: 12);

        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(_path));

        Assert.Equal($"{_path}: shape (2) of <f4 needs 8 data bytes, the file has 12", error.Message);
    }

    [Fact]
    public void Header_text_in_a_message_is_escaped_and_cut()
    {
        Write("{'descr': '\u001b[2J" + new string('x', 500) + "'}\n");

        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(_path));

        Assert.DoesNotContain('\u001b', error.Message);
        Assert.Contains(".npy header is not a dict with 'descr', 'fortran_order' and 'shape': {'descr': '\\x1B[2Jxxx", error.Message);
        Assert.EndsWith("… (517 characters)", error.Message);
    }
}
