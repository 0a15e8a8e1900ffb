using System;
using System.IO;
using QRecipe.Runtime.IO;

namespace QRecipe.Runtime.Tests.IO;

/// <summary>A replacement that fails part-way leaves the old content and no temporary file.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"atomic-{Guid.NewGuid():N}");

    public AtomicFileTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_writer_that_throws_leaves_the_old_content_and_no_temporary_file()
    {
        var path = Path.Combine(_folder, "latents.npy");
        File.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the new"u8);
            throw new InvalidOperationException("stopped");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder));
    }

    [Fact]
    public void A_new_file_is_created_and_replaced_whole()
    {
        var path = Path.Combine(_folder, "new.bin");
        AtomicFile.Write(path, new byte[] { 1, 2, 3 });
        AtomicFile.Write(path, new byte[] { 4 });

        Assert.Equal(new byte[] { 4 }, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder));
    }
}
