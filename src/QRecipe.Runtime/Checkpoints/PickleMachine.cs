using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>
/// A restricted unpickler for the protocol-2 opcodes torch.save emits for state dicts (docs/checkpoints.md). It is a plain
/// stack machine over inert values: GLOBAL goes through the <see cref="TorchGlobals"/> allowlist, REDUCE/NEWOBJ
/// can only apply an accepted global, and every other opcode (including the protocol 0 INST/OBJ calls and any
/// opcode it does not know) stops the load with a message naming the opcode and its byte offset.
/// </summary>
internal sealed class PickleMachine
{
    private readonly byte[] _data;
    private readonly List<object?> _stack = new();
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private int _position;

    private PickleMachine(byte[] data)
    {
        _data = data;
    }

    /// <summary>Runs the pickle to its STOP opcode and returns the top-level object.</summary>
    /// <param name="file">The checkpoint, for messages.</param>
    /// <param name="entry">The pickle's name inside the checkpoint, for messages.</param>
    public static object? Load(byte[] data, string file, string entry)
    {
        var machine = new PickleMachine(data);
        int opcodeStart = 0;
        try
        {
            while (true)
            {
                opcodeStart = machine._position;
                if (machine.Step())
                    return machine.Pop();
            }
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointException(file, $"{entry} at byte {opcodeStart}: {e.Message}");
        }
    }

    // Returns true at STOP.
    private bool Step()
    {
        byte opcode = ReadByte();
        switch (opcode)
        {
            case 0x80: // PROTO
                if (ReadByte() > 2)
                    throw new InvalidDataException("pickle protocols above 2 are not supported (torch.save writes protocol 2)");
                break;
            case (byte)'.': // STOP
                return true;
            case (byte)'c': // GLOBAL
                Push(TorchGlobals.Resolve(ReadLine(), ReadLine()));
                break;
            case (byte)'(': // MARK
                _marks.Push(_stack.Count);
                break;
            case (byte)')': // EMPTY_TUPLE
                Push(Array.Empty<object?>());
                break;
            case (byte)'t': // TUPLE
                Push(PopToMark().ToArray());
                break;
            case 0x85: // TUPLE1
            case 0x86: // TUPLE2
            case 0x87: // TUPLE3
                Push(PopMany(opcode - 0x84));
                break;
            case (byte)'}': // EMPTY_DICT
                Push(new PickleDict());
                break;
            case (byte)']': // EMPTY_LIST
                Push(new List<object?>());
                break;
            case (byte)'a': // APPEND
                var item = Pop();
                Expect<List<object?>>(Peek(), "APPEND").Add(item);
                break;
            case (byte)'e': // APPENDS
                var items = PopToMark();
                Expect<List<object?>>(Peek(), "APPENDS").AddRange(items);
                break;
            case (byte)'s': // SETITEM
                var value = Pop();
                var key = Pop();
                SetItem(Peek(), key, value);
                break;
            case (byte)'u': // SETITEMS
                var pairs = PopToMark();
                if (pairs.Count % 2 != 0)
                    throw new InvalidDataException("SETITEMS has a key without a value");
                for (int i = 0; i + 1 < pairs.Count; i += 2)
                    SetItem(Peek(), pairs[i], pairs[i + 1]);
                break;
            case (byte)'R': // REDUCE
            case 0x81: // NEWOBJ
                var args = Expect<object?[]>(Pop(), opcode == 0x81 ? "NEWOBJ" : "REDUCE");
                Push(TorchGlobals.Call(Pop(), args));
                break;
            case (byte)'b': // BUILD: OrderedDict state (the _metadata attribute of state_dict()) is not needed.
                Pop();
                Expect<PickleDict>(Peek(), "BUILD");
                break;
            case (byte)'Q': // BINPERSID
                Push(TorchGlobals.PersistentLoad(Pop()));
                break;
            case (byte)'q': // BINPUT
                _memo[ReadByte()] = Peek();
                break;
            case (byte)'r': // LONG_BINPUT
                _memo[ReadUInt32()] = Peek();
                break;
            case (byte)'h': // BINGET
                Push(Recall(ReadByte()));
                break;
            case (byte)'j': // LONG_BINGET
                Push(Recall(ReadUInt32()));
                break;
            case (byte)'J': // BININT
                Push((long)BinaryPrimitives.ReadInt32LittleEndian(Read(4)));
                break;
            case (byte)'K': // BININT1
                Push((long)ReadByte());
                break;
            case (byte)'M': // BININT2
                Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Read(2)));
                break;
            case 0x8a: // LONG1
                Push(ReadLong1());
                break;
            case (byte)'N': // NONE
                Push(null);
                break;
            case 0x88: // NEWTRUE
                Push(true);
                break;
            case 0x89: // NEWFALSE
                Push(false);
                break;
            case (byte)'X': // BINUNICODE
                Push(Encoding.UTF8.GetString(Read(ReadLength())));
                break;
            case (byte)'T': // BINSTRING (Python 2 str)
                Push(Encoding.Latin1.GetString(Read(ReadLength())));
                break;
            case (byte)'U': // SHORT_BINSTRING
                Push(Encoding.Latin1.GetString(Read(ReadByte())));
                break;
            case (byte)'G': // BINFLOAT
                Push(BinaryPrimitives.ReadDoubleBigEndian(Read(8)));
                break;
            default:
                throw new InvalidDataException($"unsupported pickle opcode 0x{opcode:x2} ('{(char)opcode}'); a torch state dict does not use it");
        }
        return false;
    }

    private static void SetItem(object? target, object? key, object? value)
    {
        if (key is null or PickleDict or List<object?>)
            throw new InvalidDataException($"unsupported dict key {TorchGlobals.Describe(key)}");
        Expect<PickleDict>(target, "SETITEM").Items[key] = value;
    }

    private static T Expect<T>(object? value, string opcode) where T : class =>
        value as T ?? throw new InvalidDataException($"{opcode} applied to {TorchGlobals.Describe(value)}");

    private object? Recall(long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw new InvalidDataException($"memo slot {index} is read before it is written");

    private void Push(object? value) => _stack.Add(value);

    private object? Peek() =>
        _stack.Count > (_marks.Count > 0 ? _marks.Peek() : 0) ? _stack[^1] : throw new InvalidDataException("the pickle stack is empty");

    private object? Pop()
    {
        var value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object?[] PopMany(int count)
    {
        var values = new object?[count];
        for (int i = count - 1; i >= 0; i--)
            values[i] = Pop();
        return values;
    }

    private List<object?> PopToMark()
    {
        if (_marks.Count == 0)
            throw new InvalidDataException("an opcode needs a MARK but none is set");
        int mark = _marks.Pop();
        var values = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return values;
    }

    private ReadOnlySpan<byte> Read(int count)
    {
        if (count < 0 || count > _data.Length - _position)
            throw new InvalidDataException("the pickle ends in the middle of an opcode (truncated)");
        var span = _data.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private byte ReadByte() => Read(1)[0];

    // A length beyond the data is reported by Read as truncation, whatever its size.
    private int ReadLength() => (int)Math.Min(ReadUInt32(), int.MaxValue);

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Read(4));

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _position);
        if (end < 0)
            throw new InvalidDataException("the pickle ends in the middle of a GLOBAL name (truncated)");
        string line = Encoding.ASCII.GetString(_data, _position, end - _position);
        _position = end + 1;
        return line;
    }

    // LONG1: a little-endian two's-complement integer of n bytes; storage sizes and offsets fit in 64 bits.
    private long ReadLong1()
    {
        int length = ReadByte();
        if (length > 8)
            throw new InvalidDataException($"a {length}-byte integer does not fit in 64 bits");
        var bytes = Read(length);
        long value = 0;
        for (int i = length - 1; i >= 0; i--)
            value = (value << 8) | bytes[i];
        if (length is > 0 and < 8 && (bytes[length - 1] & 0x80) != 0)
            value -= 1L << (8 * length);
        return value;
    }
}
