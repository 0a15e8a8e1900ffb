using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.MemoryMappedFiles;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>
/// A checkpoint file mapped read-only into memory. Tensors are decoded straight from the mapping into their
/// destination, so loading never holds a second copy of the weights; the mapped pages belong to the page cache,
/// not the managed heap. Every read is bounds-checked so a truncated file gives a <see cref="CheckpointException"/>
/// instead of an access violation.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _start;
    private bool _disposed;

    private MappedFile(string displayName, MemoryMappedFile map, MemoryMappedViewAccessor view, long length)
    {
        DisplayName = displayName;
        _map = map;
        _view = view;
        Length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _start = pointer + view.PointerOffset;
    }

    /// <summary>The file as the user named it, for messages.</summary>
    public string DisplayName { get; }

    public long Length { get; }

    public static MappedFile Open(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, $"cannot open the file: {e.Message}", e);
        }

        long length = stream.Length;
        if (length == 0)
        {
            stream.Dispose();
            throw new CheckpointException(path, "the file is empty");
        }

        var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        return new MappedFile(path, map, view, length);
    }

    /// <summary>Bytes [offset, offset + count) of the file; throws naming <paramref name="what"/> when the file is shorter.</summary>
    public ReadOnlySpan<byte> Bytes(long offset, int count, string what)
    {
        CheckRange(offset, count, what);
        return new ReadOnlySpan<byte>(_start + offset, count);
    }

    public ushort UInt16(long offset, string what) => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(offset, 2, what));

    public uint UInt32(long offset, string what) => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(offset, 4, what));

    public ulong UInt64(long offset, string what) => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(offset, 8, what));

    /// <summary>Throws unless [offset, offset + count) lies inside the file.</summary>
    public void CheckRange(long offset, long count, string what)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (offset < 0 || count < 0 || offset > Length || count > Length - offset)
            throw new CheckpointException(DisplayName,
                $"{what} lies at bytes {offset}..{offset + count} but the file has only {Length} bytes (truncated or corrupt)");
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
