using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace QRecipe.Runtime.Tests.Checkpoints;

/// <summary>
/// Writes torch-style zip checkpoints from C# (pickle opcodes by hand, entries stored with System.IO.Compression)
/// for tests that need files torch would not produce: large synthetic ones, broken views, hostile pickles.
/// </summary>
internal sealed class TorchFileWriter
{
    private readonly List<(string Name, string Storage, string StorageType, long Numel, long Offset, long[] Size, long[] Stride)> _tensors = new();
    private readonly List<(string Key, Action<Stream> Write)> _storages = new();
    private string _byteOrder = "little";

    /// <summary>The byteorder entry's text; storages must then be written in that order.</summary>
    public TorchFileWriter ByteOrder(string order)
    {
        _byteOrder = order;
        return this;
    }

    /// <summary>Adds a storage entry data/&lt;key&gt; whose bytes <paramref name="write"/> produces.</summary>
    public TorchFileWriter Storage(string key, Action<Stream> write)
    {
        _storages.Add((key, write));
        return this;
    }

    public TorchFileWriter Storage(string key, float[] values) =>
        Storage(key, s => s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())));

    public TorchFileWriter Tensor(string name, string storage, long numel, long offset, long[] size, long[] stride, string storageType = "FloatStorage")
    {
        _tensors.Add((name, storage, storageType, numel, offset, size, stride));
        return this;
    }

    /// <summary>A contiguous float32 tensor with its own storage.</summary>
    public TorchFileWriter Contiguous(string name, float[] values, params long[] size)
    {
        var stride = new long[size.Length];
        long s = 1;
        for (int k = size.Length - 1; k >= 0; k--)
        {
            stride[k] = s;
            s *= size[k];
        }
        string key = _storages.Count.ToString();
        return Storage(key, values).Tensor(name, key, values.Length, 0, size, stride);
    }

    public void Write(string path) => WriteZip(path, Pickle(), _storages, _byteOrder);

    /// <summary>A zip with the given data.pkl and storages.</summary>
    public static void WriteZip(string path, byte[] pickle, IEnumerable<(string Key, Action<Stream> Write)>? storages = null, string byteOrder = "little")
    {
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        WriteEntry(zip, "archive/data.pkl", s => s.Write(pickle));
        WriteEntry(zip, "archive/byteorder", s => s.Write(Encoding.ASCII.GetBytes(byteOrder)));
        foreach (var (key, write) in storages ?? [])
            WriteEntry(zip, "archive/data/" + key, write);
        WriteEntry(zip, "archive/version", s => s.Write("3\n"u8));
    }

    private static void WriteEntry(ZipArchive zip, string name, Action<Stream> write)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        write(stream);
    }

    private byte[] Pickle()
    {
        var p = new MemoryStream();
        p.Write([0x80, 2, (byte)'}', (byte)'(']);
        foreach (var t in _tensors)
        {
            Unicode(p, t.Name);
            Global(p, "torch._utils", "_rebuild_tensor_v2");
            p.WriteByte((byte)'(');
            p.WriteByte((byte)'(');
            Unicode(p, "storage");
            Global(p, "torch", t.StorageType);
            Unicode(p, t.Storage);
            Unicode(p, "cpu");
            Int(p, t.Numel);
            p.Write([(byte)'t', (byte)'Q']);
            Int(p, t.Offset);
            Tuple(p, t.Size);
            Tuple(p, t.Stride);
            p.WriteByte(0x89);
            Global(p, "collections", "OrderedDict");
            p.Write([(byte)')', (byte)'R', (byte)'t', (byte)'R']);
        }
        p.Write([(byte)'u', (byte)'.']);
        return p.ToArray();
    }

    public static void Global(Stream p, string module, string name)
    {
        p.WriteByte((byte)'c');
        p.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
    }

    public static void Unicode(Stream p, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        p.WriteByte((byte)'X');
        p.Write(BitConverter.GetBytes(bytes.Length));
        p.Write(bytes);
    }

    /// <summary>BININT for 32-bit values, LONG1 with 8 bytes (as pickle writes large ints) otherwise.</summary>
    private static void Int(Stream p, long value)
    {
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            p.WriteByte((byte)'J');
            p.Write(BitConverter.GetBytes((int)value));
            return;
        }
        p.Write([0x8a, 8]);
        p.Write(BitConverter.GetBytes(value));
    }

    private static void Tuple(Stream p, long[] values)
    {
        p.WriteByte((byte)'(');
        foreach (long v in values)
            Int(p, v);
        p.WriteByte((byte)'t');
    }
}
