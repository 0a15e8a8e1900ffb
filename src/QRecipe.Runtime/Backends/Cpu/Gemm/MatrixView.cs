namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>A float32 matrix in memory: element (i, j) is at <c>Data[i·RowStride + j·ColumnStride]</c>. A transposed
/// operand is the same memory with the strides swapped, so packing reads every layout without a copy.</summary>
internal readonly unsafe struct MatrixView(float* data, nint rowStride, nint columnStride)
{
    public float* Data { get; } = data;

    public nint RowStride { get; } = rowStride;

    public nint ColumnStride { get; } = columnStride;

    /// <summary>A row-major matrix with <paramref name="leadingDimension"/> floats per row, optionally read
    /// transposed.</summary>
    public static MatrixView RowMajor(float* data, nint leadingDimension, bool transposed) =>
        transposed ? new MatrixView(data, 1, leadingDimension) : new MatrixView(data, leadingDimension, 1);

    public float* At(nint row, nint column) => Data + row * RowStride + column * ColumnStride;
}
