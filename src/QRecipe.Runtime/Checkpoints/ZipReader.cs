using System;
using System.Collections.Generic;
using System.Text;
using QRecipe.Plan.Text;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>
/// Reads the directory of the zip container torch.save writes (docs/checkpoints.md): entries are stored uncompressed, so
/// each one is a byte range of the mapped file that tensors are decoded from in place. System.IO.Compression's
/// ZipArchive does not expose those offsets, hence this small reader of the central directory (ZIP64 included).
/// </summary>
internal static class ZipReader
{
    private const uint EndOfCentralDirectorySignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const uint LocalHeaderSignature = 0x04034b50;
    private const ushort Zip64ExtraId = 0x0001;
    private const int EndRecordSize = 22;
    private const int MaxCommentLength = ushort.MaxValue;

    /// <summary>A stored entry: its payload is bytes [DataOffset, DataOffset + Length) of the file.</summary>
    public readonly record struct Entry(long DataOffset, long Length);

    /// <summary>All entries by name; throws a <see cref="CheckpointException"/> for a corrupt or truncated zip.</summary>
    public static Dictionary<string, Entry> ReadEntries(MappedFile file)
    {
        long end = FindEndRecord(file);
        long count = file.UInt16(end + 10, "the zip end record");
        long directorySize = file.UInt32(end + 12, "the zip end record");
        long directoryOffset = file.UInt32(end + 16, "the zip end record");
        if (count == ushort.MaxValue || directorySize == uint.MaxValue || directoryOffset == uint.MaxValue)
            (count, directoryOffset) = ReadZip64End(file, end);

        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        long at = directoryOffset;
        for (long i = 0; i < count; i++)
        {
            if (file.UInt32(at, "the zip central directory") != CentralHeaderSignature)
                throw Corrupt(file, $"central directory record {i} at byte {at} has a bad signature");
            int method = file.UInt16(at + 10, "the zip central directory");
            long compressedSize = file.UInt32(at + 20, "the zip central directory");
            long size = file.UInt32(at + 24, "the zip central directory");
            int nameLength = file.UInt16(at + 28, "the zip central directory");
            int extraLength = file.UInt16(at + 30, "the zip central directory");
            int commentLength = file.UInt16(at + 32, "the zip central directory");
            long localOffset = file.UInt32(at + 42, "the zip central directory");
            string name = Encoding.UTF8.GetString(file.Bytes(at + 46, nameLength, "a zip entry name"));
            ApplyZip64Extra(file, at + 46 + nameLength, extraLength, ref size, ref compressedSize, ref localOffset);
            at += 46 + nameLength + extraLength + commentLength;

            if (method != 0)
                throw new CheckpointException(file.DisplayName,
                    $"zip entry {SafeText.Quote(name)} is compressed (method {method}); torch.save stores entries uncompressed, so this is not a PyTorch checkpoint or it was re-zipped");
            if (compressedSize != size)
                throw Corrupt(file, $"stored zip entry {SafeText.Quote(name)} has different compressed ({compressedSize}) and uncompressed ({size}) sizes");
            long data = DataOffset(file, name, localOffset);
            file.CheckRange(data, size, $"zip entry {SafeText.Quote(name)}");
            entries[name] = new Entry(data, size);
        }
        return entries;
    }

    private static long FindEndRecord(MappedFile file)
    {
        long lowest = Math.Max(0, file.Length - EndRecordSize - MaxCommentLength);
        for (long at = file.Length - EndRecordSize; at >= lowest; at--)
        {
            if (file.UInt32(at, "the zip end record") == EndOfCentralDirectorySignature)
                return at;
        }
        throw Corrupt(file, "no zip end-of-central-directory record was found (the file is truncated or not a zip)");
    }

    private static (long Count, long DirectoryOffset) ReadZip64End(MappedFile file, long end)
    {
        long locator = end - 20;
        if (locator < 0 || file.UInt32(locator, "the zip64 locator") != Zip64LocatorSignature)
            throw Corrupt(file, "the zip end record points to a zip64 record that is missing");
        long record = (long)file.UInt64(locator + 8, "the zip64 locator");
        if (file.UInt32(record, "the zip64 end record") != Zip64EndSignature)
            throw Corrupt(file, "the zip64 end record has a bad signature");
        return ((long)file.UInt64(record + 32, "the zip64 end record"), (long)file.UInt64(record + 48, "the zip64 end record"));
    }

    // ZIP64 extra field: the 64-bit values of the fields that are 0xFFFFFFFF in the header, in this order.
    private static void ApplyZip64Extra(MappedFile file, long at, int length, ref long size, ref long compressedSize, ref long localOffset)
    {
        long end = at + length;
        while (at + 4 <= end)
        {
            ushort id = file.UInt16(at, "a zip extra field");
            int fieldLength = file.UInt16(at + 2, "a zip extra field");
            if (id == Zip64ExtraId)
            {
                long value = at + 4;
                if (size == uint.MaxValue) { size = (long)file.UInt64(value, "a zip64 extra field"); value += 8; }
                if (compressedSize == uint.MaxValue) { compressedSize = (long)file.UInt64(value, "a zip64 extra field"); value += 8; }
                if (localOffset == uint.MaxValue) localOffset = (long)file.UInt64(value, "a zip64 extra field");
                return;
            }
            at += 4 + fieldLength;
        }
    }

    // The local header repeats the name and may carry different extra data (torch pads it for 64-byte alignment).
    private static long DataOffset(MappedFile file, string name, long localOffset)
    {
        if (file.UInt32(localOffset, $"the local header of zip entry {SafeText.Quote(name)}") != LocalHeaderSignature)
            throw Corrupt(file, $"the local header of zip entry {SafeText.Quote(name)} at byte {localOffset} has a bad signature");
        int nameLength = file.UInt16(localOffset + 26, $"the local header of zip entry {SafeText.Quote(name)}");
        int extraLength = file.UInt16(localOffset + 28, $"the local header of zip entry {SafeText.Quote(name)}");
        return localOffset + 30 + nameLength + extraLength;
    }

    private static CheckpointException Corrupt(MappedFile file, string problem) =>
        new(file.DisplayName, $"corrupt zip container: {problem}");
}
