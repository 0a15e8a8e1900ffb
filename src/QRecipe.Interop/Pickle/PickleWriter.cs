using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace QRecipe.Interop.Pickle;

/// <summary>Writes a dict of strings the way Python's pickle protocol 4 does: one frame, the dict, its items in
/// batches of 1000 (SETITEMS), every string remembered (MEMOIZE) and repeated strings recalled (BINGET).</summary>
public static class PickleWriter
{
    private const int Batch = 1000;

    public static byte[] WriteStringDict(IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        var body = new MemoryStream();
        var memo = new Dictionary<string, int>(System.StringComparer.Ordinal);
        var index = 0;
        body.WriteByte(PickleOpcodes.EmptyDict);
        body.WriteByte(PickleOpcodes.Memoize);
        index++;
        void String(string value)
        {
            if (memo.TryGetValue(value, out var known))
            {
                WriteGet(body, known);
                return;
            }
            var bytes = Encoding.UTF8.GetBytes(value);
            if (bytes.Length < 256)
            {
                body.WriteByte(PickleOpcodes.ShortBinUnicode);
                body.WriteByte((byte)bytes.Length);
            }
            else
            {
                body.WriteByte(PickleOpcodes.BinUnicode);
                Span4(body, (uint)bytes.Length);
            }
            body.Write(bytes);
            body.WriteByte(PickleOpcodes.Memoize);
            memo[value] = index++;
        }
        for (var start = 0; start < entries.Count; start += Batch)
        {
            var count = System.Math.Min(Batch, entries.Count - start);
            if (count > 1)
                body.WriteByte(PickleOpcodes.Mark);
            for (var i = start; i < start + count; i++)
            {
                String(entries[i].Key);
                String(entries[i].Value);
            }
            body.WriteByte(count > 1 ? PickleOpcodes.SetItems : PickleOpcodes.SetItem);
        }
        body.WriteByte(PickleOpcodes.Stop);
        var output = new MemoryStream();
        output.WriteByte(PickleOpcodes.Proto);
        output.WriteByte(4);
        output.WriteByte(PickleOpcodes.Frame);
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)body.Length);
        output.Write(length);
        body.WriteTo(output);
        return output.ToArray();
    }

    private static void WriteGet(Stream body, int index)
    {
        if (index < 256)
        {
            body.WriteByte(PickleOpcodes.BinGet);
            body.WriteByte((byte)index);
        }
        else
        {
            body.WriteByte(PickleOpcodes.LongBinGet);
            Span4(body, (uint)index);
        }
    }

    private static void Span4(Stream body, uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        body.Write(bytes);
    }
}
