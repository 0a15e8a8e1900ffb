namespace QRecipe.Runtime.Tensors;

/// <summary>
/// Memory of an accelerator that can hold a copy of a tensor's storage (<see cref="TensorStorage"/> keeps the two
/// coherent). Addresses are the device's own (a CUdeviceptr); copies finish before they return.
/// </summary>
internal interface IDeviceMemory
{
    /// <summary>A block of at least <paramref name="bytes"/> bytes, not initialised.</summary>
    ulong Allocate(nuint bytes);

    /// <summary>Gives a block from <see cref="Allocate"/> back; must not throw (it runs when a tensor is disposed).</summary>
    void Release(ulong block, nuint bytes);

    void Upload(ulong destination, nint source, nuint bytes);

    void Download(nint destination, ulong source, nuint bytes);
}
