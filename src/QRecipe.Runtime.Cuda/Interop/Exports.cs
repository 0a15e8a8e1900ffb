using System.Runtime.InteropServices;

namespace QRecipe.Runtime.Cuda.Interop;

/// <summary>Looks up exported symbols of a loaded library; a missing symbol (a library too old for us) is reported
/// with the library's name and the symbol.</summary>
internal readonly struct Exports(nint library, CudaLibrary description)
{
    public nint this[string symbol] => NativeLibrary.TryGetExport(library, symbol, out var address)
        ? address
        : throw new CudaUnavailableException($"{description.Name} has no export '{symbol}': the installed version is too old ({description.Provider})");
}
