using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace QRecipe.Interop.Pickle;

/// <summary>A restricted unpickler for configuration files: protocols 2–5, plain dicts, lists, tuples, strings,
/// integers (up to 64 bits), floats, booleans and None. Every other opcode — those that name a class or call a
/// function (GLOBAL, REDUCE, INST, …), bytes, sets, protocol-0 text — is refused with its name and offset, so a file
/// can never make the reader run or build anything else. It never recurses, checks every length against the bytes
/// left, and stops at <see cref="MaxValues"/> values.</summary>
public static class PickleReader
{
    /// <summary>The largest file read: a DiT-XL/2 per-layer config is about 20 KB.</summary>
    public const long MaxBytes = 16L << 20;

    /// <summary>Values one file may create (a DiT-XL/2 config has about 600).</summary>
    public const int MaxValues = 1_000_000;

    private static readonly object s_mark = new();

    public static object? ReadFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > MaxBytes)
            throw new InteropException($"{path}: the pickle is {stream.Length} bytes; import reads pickles of at most {MaxBytes} bytes (16 MiB)");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return Read(bytes, path);
    }

    public static object? Read(byte[] data, string path)
    {
        var stack = new List<object?>();
        var memo = new Dictionary<long, object?>();
        var values = 0;
        var position = 0;
        while (true)
        {
            if (position >= data.Length)
                throw new InteropException($"{path}: the pickle ends at offset {data.Length} without STOP (truncated file?)");
            var offset = position;
            var opcode = data[position++];
            ReadOnlySpan<byte> Take(long count)
            {
                if (count < 0 || count > data.Length - position)
                    throw new InteropException($"{path}: {PickleOpcodes.Name(opcode)} at offset {offset} needs {count} bytes but {data.Length - position} are left (truncated or corrupt)");
                var slice = data.AsSpan(position, (int)count);
                position += (int)count;
                return slice;
            }
            object? Pop()
            {
                if (stack.Count == 0 || ReferenceEquals(stack[^1], s_mark))
                    throw new InteropException($"{path}: {PickleOpcodes.Name(opcode)} at offset {offset} has no value to take (corrupt pickle)");
                var top = stack[^1];
                stack.RemoveAt(stack.Count - 1);
                return top;
            }
            List<object?> PopToMark()
            {
                var mark = stack.LastIndexOf(s_mark);
                if (mark < 0)
                    throw new InteropException($"{path}: {PickleOpcodes.Name(opcode)} at offset {offset} has no MARK before it (corrupt pickle)");
                var items = stack.GetRange(mark + 1, stack.Count - mark - 1);
                stack.RemoveRange(mark, stack.Count - mark);
                return items;
            }
            void Push(object? value)
            {
                if (++values > MaxValues)
                    throw new InteropException($"{path}: more than {MaxValues} values at offset {offset}; import reads configuration pickles of at most {MaxValues} values");
                stack.Add(value);
            }
            T Top<T>() where T : class =>
                stack.Count > 0 && stack[^1] is T container
                    ? container
                    : throw new InteropException($"{path}: {PickleOpcodes.Name(opcode)} at offset {offset} needs a {(typeof(T) == typeof(PickleDict) ? "dict" : "list")} under its values (corrupt pickle)");
            void SetItems(PickleDict dict, List<object?> items)
            {
                for (var i = 0; i < items.Count; i += 2)
                {
                    if (items[i] is List<object?> or PickleDict)
                        throw new InteropException($"{path}: {PickleOpcodes.Name(opcode)} at offset {offset} uses a list or dict as a dict key (Python refuses unhashable keys)");
                    dict.Entries.Add(new KeyValuePair<object?, object?>(items[i], items[i + 1]));
                }
            }

            switch (opcode)
            {
                case PickleOpcodes.Proto:
                    var protocol = Take(1)[0];
                    if (protocol is < 2 or > 5)
                        throw new InteropException($"{path}: pickle protocol {protocol} at offset {offset}; import reads protocols 2 to 5");
                    break;
                case PickleOpcodes.Frame:
                    Take(8); // The frame's length; frames only group opcodes for buffered reading.
                    break;
                case PickleOpcodes.Stop:
                    if (stack.Count != 1 || ReferenceEquals(stack[0], s_mark))
                        throw new InteropException($"{path}: STOP at offset {offset} with {stack.Count} values on the stack instead of one (corrupt pickle)");
                    return stack[0];
                case PickleOpcodes.Mark:
                    if (++values > MaxValues)
                        throw new InteropException($"{path}: more than {MaxValues} values at offset {offset}; import reads configuration pickles of at most {MaxValues} values");
                    stack.Add(s_mark);
                    break;
                case PickleOpcodes.EmptyDict: Push(new PickleDict()); break;
                case PickleOpcodes.EmptyList: Push(new List<object?>()); break;
                case PickleOpcodes.EmptyTuple: Push(new PickleTuple(Array.Empty<object?>())); break;
                case PickleOpcodes.SetItem:
                    {
                        var value = Pop();
                        var key = Pop();
                        SetItems(Top<PickleDict>(), new List<object?> { key, value });
                        break;
                    }
                case PickleOpcodes.SetItems:
                    {
                        var items = PopToMark();
                        if (items.Count % 2 != 0)
                            throw new InteropException($"{path}: SETITEMS (0x75) at offset {offset} has an odd number of values (corrupt pickle)");
                        SetItems(Top<PickleDict>(), items);
                        break;
                    }
                case PickleOpcodes.Append:
                    {
                        var value = Pop();
                        Top<List<object?>>().Add(value);
                        break;
                    }
                case PickleOpcodes.Appends:
                    {
                        var items = PopToMark();
                        Top<List<object?>>().AddRange(items);
                        break;
                    }
                case PickleOpcodes.Tuple: Push(new PickleTuple(PopToMark())); break;
                case PickleOpcodes.Tuple1: { var a = Pop(); Push(new PickleTuple(new[] { a })); break; }
                case PickleOpcodes.Tuple2: { var b = Pop(); var a = Pop(); Push(new PickleTuple(new[] { a, b })); break; }
                case PickleOpcodes.Tuple3: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new PickleTuple(new[] { a, b, c })); break; }
                case PickleOpcodes.ShortBinUnicode: Push(Utf8(Take(Take(1)[0]), offset, path)); break;
                case PickleOpcodes.BinUnicode: Push(Utf8(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))), offset, path)); break;
                case PickleOpcodes.BinUnicode8:
                    {
                        var length = BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
                        Push(Utf8(Take(length > long.MaxValue ? -1 : (long)length), offset, path));
                        break;
                    }
                case PickleOpcodes.BinInt: Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
                case PickleOpcodes.BinInt1: Push((long)Take(1)[0]); break;
                case PickleOpcodes.BinInt2: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
                case PickleOpcodes.Long1:
                    {
                        var length = Take(1)[0];
                        if (length > 8)
                            throw new InteropException($"{path}: LONG1 (0x8A) at offset {offset} holds a {length}-byte integer; import reads integers of at most 64 bits");
                        Push(SignedLittleEndian(Take(length)));
                        break;
                    }
                case PickleOpcodes.BinFloat: Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;
                case PickleOpcodes.NewTrue: Push(true); break;
                case PickleOpcodes.NewFalse: Push(false); break;
                case PickleOpcodes.None: Push(null); break;
                case PickleOpcodes.Memoize: memo[memo.Count] = PeekForMemo(stack, opcode, offset, path); break;
                case PickleOpcodes.BinPut: memo[Take(1)[0]] = PeekForMemo(stack, opcode, offset, path); break;
                case PickleOpcodes.LongBinPut: memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = PeekForMemo(stack, opcode, offset, path); break;
                case PickleOpcodes.BinGet: Push(Recall(memo, Take(1)[0], opcode, offset, path)); break;
                case PickleOpcodes.LongBinGet: Push(Recall(memo, BinaryPrimitives.ReadUInt32LittleEndian(Take(4)), opcode, offset, path)); break;
                default:
                    throw new InteropException($"{path}: pickle opcode {PickleOpcodes.Name(opcode)} at offset {offset} is not allowed; configuration pickles may hold only dicts, lists, tuples, strings, numbers, booleans and None");
            }
        }
    }

    private static object? PeekForMemo(List<object?> stack, byte opcode, int offset, string path) =>
        stack.Count > 0 && !ReferenceEquals(stack[^1], s_mark)
            ? stack[^1]
            : throw new InteropException($"{path}: {PickleOpcodes.Name(opcode)} at offset {offset} has no value to remember (corrupt pickle)");

    private static object? Recall(Dictionary<long, object?> memo, long index, byte opcode, int offset, string path) =>
        memo.TryGetValue(index, out var value)
            ? value
            : throw new InteropException($"{path}: {PickleOpcodes.Name(opcode)} at offset {offset} recalls memo entry {index}, which was never stored (corrupt pickle)");

    private static string Utf8(ReadOnlySpan<byte> bytes, int offset, string path)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new InteropException($"{path}: the string at offset {offset} is not valid UTF-8");
        }
    }

    private static long SignedLittleEndian(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0)
            return 0;
        long value = (sbyte)bytes[^1];
        for (var i = bytes.Length - 2; i >= 0; i--)
            value = (value << 8) | bytes[i];
        return value;
    }
}
