namespace QRecipe.Runtime.Cuda.Sc;

/// <summary>The codes the enable kernels read (boundaries and signs) of <paramref name="Slices"/> equally shaped slices
/// of rows × dims, laid end to end at device addresses: an uploaded operand, one quantized on the device, or a slice of
/// either.</summary>
internal readonly record struct CodesOnDevice(ulong Boundary, ulong Sign, int Slices, int Rows, int Dims)
{
    /// <summary>Slices [first, first + count).</summary>
    public CodesOnDevice Slice(int first, int count)
    {
        var elements = (ulong)((long)first * Rows * Dims);
        return new CodesOnDevice(Boundary + elements * sizeof(ushort), Sign + elements, count, Rows, Dims);
    }
}
