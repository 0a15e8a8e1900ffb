using System;

namespace QRecipe.Runtime.Tensors;

/// <summary>Element type of a <see cref="Tensor"/>. Float32 carries the model; the integer types carry quantized
/// weights/activations (Int8), SC stream counts (Int16/Int32) and ids (Int32).</summary>
public enum DataType
{
    Float32,
    Int8,
    Int16,
    Int32,
}

/// <summary>Sizes and names of <see cref="DataType"/> values, and the CLR type each one maps to.</summary>
public static class DataTypeInfo
{
    public static int SizeInBytes(this DataType type) => type switch
    {
        DataType.Float32 => 4,
        DataType.Int8 => 1,
        DataType.Int16 => 2,
        DataType.Int32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown data type"),
    };

    public static string Name(this DataType type) => type switch
    {
        DataType.Float32 => "float32",
        DataType.Int8 => "int8",
        DataType.Int16 => "int16",
        DataType.Int32 => "int32",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown data type"),
    };

    /// <summary>The data type whose elements are stored as <typeparamref name="T"/>.</summary>
    public static DataType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DataType.Float32;
        if (typeof(T) == typeof(sbyte)) return DataType.Int8;
        if (typeof(T) == typeof(short)) return DataType.Int16;
        if (typeof(T) == typeof(int)) return DataType.Int32;
        throw new NotSupportedException($"{typeof(T).Name} is not a tensor element type (float, sbyte, short, int)");
    }
}
