using System.Collections.Generic;

namespace QRecipe.Interop.Pickle;

/// <summary>Python pickle opcodes (protocols 0–5) by byte, for reading and for naming a refused opcode.</summary>
internal static class PickleOpcodes
{
    public const byte Proto = 0x80, Frame = 0x95, Stop = 0x2E, Mark = 0x28;
    public const byte EmptyDict = 0x7D, EmptyList = 0x5D, EmptyTuple = 0x29;
    public const byte SetItem = 0x73, SetItems = 0x75, Append = 0x61, Appends = 0x65;
    public const byte Tuple = 0x74, Tuple1 = 0x85, Tuple2 = 0x86, Tuple3 = 0x87;
    public const byte ShortBinUnicode = 0x8C, BinUnicode = 0x58, BinUnicode8 = 0x8D;
    public const byte BinInt = 0x4A, BinInt1 = 0x4B, BinInt2 = 0x4D, Long1 = 0x8A, BinFloat = 0x47;
    public const byte NewTrue = 0x88, NewFalse = 0x89, None = 0x4E;
    public const byte Memoize = 0x94, BinPut = 0x71, LongBinPut = 0x72, BinGet = 0x68, LongBinGet = 0x6A;

    private static readonly Dictionary<byte, string> s_names = new()
    {
        [Proto] = "PROTO", [Frame] = "FRAME", [Stop] = "STOP", [Mark] = "MARK", [EmptyDict] = "EMPTY_DICT",
        [EmptyList] = "EMPTY_LIST", [EmptyTuple] = "EMPTY_TUPLE", [SetItem] = "SETITEM", [SetItems] = "SETITEMS",
        [Append] = "APPEND", [Appends] = "APPENDS", [Tuple] = "TUPLE", [Tuple1] = "TUPLE1", [Tuple2] = "TUPLE2",
        [Tuple3] = "TUPLE3", [ShortBinUnicode] = "SHORT_BINUNICODE", [BinUnicode] = "BINUNICODE",
        [BinUnicode8] = "BINUNICODE8", [BinInt] = "BININT", [BinInt1] = "BININT1", [BinInt2] = "BININT2",
        [Long1] = "LONG1", [BinFloat] = "BINFLOAT", [NewTrue] = "NEWTRUE", [NewFalse] = "NEWFALSE", [None] = "NONE",
        [Memoize] = "MEMOIZE", [BinPut] = "BINPUT", [LongBinPut] = "LONG_BINPUT", [BinGet] = "BINGET",
        [LongBinGet] = "LONG_BINGET",
        // Refused: they build objects of named classes, call functions, or carry bytes, sets or protocol-0 text.
        [(byte)'c'] = "GLOBAL", [0x93] = "STACK_GLOBAL", [(byte)'R'] = "REDUCE", [(byte)'i'] = "INST", [(byte)'o'] = "OBJ",
        [0x81] = "NEWOBJ", [0x92] = "NEWOBJ_EX", [(byte)'b'] = "BUILD", [(byte)'P'] = "PERSID", [(byte)'Q'] = "BINPERSID",
        [0x82] = "EXT1", [0x83] = "EXT2", [0x84] = "EXT4", [(byte)'B'] = "BINBYTES", [(byte)'C'] = "SHORT_BINBYTES",
        [0x8E] = "BINBYTES8", [0x96] = "BYTEARRAY8", [0x97] = "NEXT_BUFFER", [0x98] = "READONLY_BUFFER",
        [0x8F] = "EMPTY_SET", [0x90] = "ADDITEMS", [0x91] = "FROZENSET", [(byte)'I'] = "INT", [(byte)'L'] = "LONG",
        [0x8B] = "LONG4", [(byte)'S'] = "STRING", [(byte)'T'] = "BINSTRING", [(byte)'U'] = "SHORT_BINSTRING",
        [(byte)'V'] = "UNICODE", [(byte)'F'] = "FLOAT", [(byte)'d'] = "DICT", [(byte)'l'] = "LIST", [(byte)'g'] = "GET",
        [(byte)'p'] = "PUT", [(byte)'0'] = "POP", [(byte)'1'] = "POP_MARK", [(byte)'2'] = "DUP",
    };

    public static string Name(byte opcode) =>
        s_names.TryGetValue(opcode, out var name) ? $"{name} (0x{opcode:X2})" : $"0x{opcode:X2} (not a pickle opcode)";
}
