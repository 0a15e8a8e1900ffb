using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QRecipe.Runtime.Sc.Kernels;

/// <summary>
/// Sixteen 32-bit gathers as two 256-bit ones (.NET has no 512-bit gathers; the scale must be a constant, hence one
/// method per element size). For 16- and 8-bit elements, pass the address of the element array minus 2 or 3 bytes:
/// each read then ends with the wanted element, which sits in the top bits, and the first element's read starts in
/// the array's header, never outside the array object.
/// </summary>
internal static unsafe class Gather16
{
    /// <summary>Reads at address + 2·index (16-bit elements; the element is bits 16..31).</summary>
    public static Vector512<int> Halves(int* address, Vector512<int> index) =>
        Vector512.Create(Avx2.GatherVector256(address, index.GetLower(), 2), Avx2.GatherVector256(address, index.GetUpper(), 2));

    /// <summary>Reads at address + index (8-bit elements; the element is bits 24..31).</summary>
    public static Vector512<int> Bytes(int* address, Vector512<int> index) =>
        Vector512.Create(Avx2.GatherVector256(address, index.GetLower(), 1), Avx2.GatherVector256(address, index.GetUpper(), 1));
}
