using System;
using System.IO;

namespace QRecipe.Runtime.Tests.Checkpoints;

/// <summary>A file in the temp folder, deleted on disposal.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(string extension)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"qrecipe-ckpt-{Guid.NewGuid():N}{extension}");
    }

    public string Path { get; }

    /// <summary>A copy of the first <paramref name="length"/> bytes of a file, as a truncated download would leave it.</summary>
    public static TempFile Truncated(string source, long length)
    {
        var file = new TempFile(System.IO.Path.GetExtension(source));
        using var input = File.OpenRead(source);
        using var output = File.Create(file.Path);
        var buffer = new byte[length];
        input.ReadExactly(buffer);
        output.Write(buffer);
        return file;
    }

    public void Dispose() => File.Delete(Path);
}
