using System;
using System.IO;
using System.Linq;
using QRecipe.Runtime.IO;

namespace QRecipe.Runtime.Tests.IO;

/// <summary>Files written by NumPy (Data/make_npy.py): element i holds (i − 3)·1.5, truncated for integer types.</summary>
public sealed class NpyFileTests
{
    private static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "IO", "Data", file);

    private static double Expected(int i, string code)
    {
        var value = (i - 3) * 1.5;
        if (code[0] is 'i' or 'u')
            value = Math.Truncate(value);
        return code[0] == 'u' ? Math.Abs(value) : value;
    }

    [Theory]
    [InlineData("f4_2x3.npy", "<f4", new[] { 2, 3 })]
    [InlineData("f8_4.npy", "<f8", new[] { 4 })]
    [InlineData("i1_2x2.npy", "|i1", new[] { 2, 2 })]
    [InlineData("u1_5.npy", "|u1", new[] { 5 })]
    [InlineData("i2_3.npy", "<i2", new[] { 3 })]
    [InlineData("i4_2x2x2.npy", "<i4", new[] { 2, 2, 2 })]
    [InlineData("i8_3.npy", "<i8", new[] { 3 })]
    [InlineData("v2_f4_3.npy", "<f4", new[] { 3 })]
    public void Reads_what_numpy_wrote(string file, string dtype, int[] shape)
    {
        var array = NpyFile.Read(PathOf(file));
        Assert.Equal(dtype, array.DType);
        Assert.Equal(shape, array.Shape);
        Assert.Equal(Enumerable.Range(0, array.Values.Length).Select(i => Expected(i, dtype[1..])), array.Values);
    }

    [Fact]
    public void Reads_a_zero_dimensional_array()
    {
        var array = NpyFile.Read(PathOf("scalar_f4.npy"));
        Assert.Empty(array.Shape);
        Assert.Equal(new[] { 2.5 }, array.Values);
    }

    [Theory]
    [InlineData("fortran_f4.npy", "Fortran-order arrays are not supported")]
    [InlineData("big_endian_f4.npy", "element type '>f4' is not supported")]
    [InlineData("complex.npy", "element type '<c8' is not supported")]
    public void Refuses_what_it_cannot_read_with_the_reason(string file, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(PathOf(file)));
        Assert.Contains(file, error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Truncated_file_names_the_missing_bytes()
    {
        var bytes = File.ReadAllBytes(PathOf("f4_2x3.npy"));
        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Parse(bytes.AsSpan(0, bytes.Length - 4), "cut.npy"));
        Assert.Contains("cut.npy: shape (2, 3) of <f4 needs 24 data bytes, the file has 20", error.Message);
        Assert.Throws<InvalidDataException>(() => NpyFile.Parse(bytes.AsSpan(0, 8), "cut.npy"));
    }

    [Fact]
    public void Written_file_has_numpys_layout_and_reads_back()
    {
        var path = Path.Combine(Path.GetTempPath(), $"npy-{Guid.NewGuid():N}.npy");
        try
        {
            var values = new[] { 1.5f, -2f, float.MaxValue, 1e-30f, 0f, 7f };
            NpyFile.WriteSingles(path, values, 3, 2);
            var bytes = File.ReadAllBytes(path);
            // Version 1.0 and data aligned to 64 bytes, as NumPy writes it; the same header text as np.save.
            Assert.Equal(1, bytes[6]);
            Assert.Equal(0, (bytes.Length - values.Length * 4) % 64);
            Assert.Equal(File.ReadAllBytes(PathOf("f4_2x3.npy"))[..58], RewriteShape(bytes[..58]));
            var array = NpyFile.Read(path);
            Assert.Equal(new[] { 3, 2 }, array.Shape);
            Assert.Equal(values, array.ToSingles());
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Our header for shape (3, 2) differs from NumPy's (2, 3) file only in those two digits.
    private static byte[] RewriteShape(byte[] header)
    {
        var text = System.Text.Encoding.Latin1.GetString(header).Replace("(3, 2)", "(2, 3)");
        return System.Text.Encoding.Latin1.GetBytes(text);
    }
}
