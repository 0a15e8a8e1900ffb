using System;
using QRecipe.Runtime.Cuda.Interop;

namespace QRecipe.Runtime.Cuda.Backend;

/// <summary>
/// Row-major FP32 GEMMs through cuBLAS (column-major): a row-major C = op(A)·op(B) is the column-major
/// Cᵀ = op(B)ᵀ·op(A)ᵀ, so the operands are passed swapped with their own transposition flags and leading
/// dimensions (the row lengths as stored). <see cref="GemmPrecision"/> picks FP32, TF32, BF16 or FP16 tensor-core
/// compute for the same FP32 operands.
/// </summary>
public sealed unsafe class CudaBlas : IDisposable
{
    private readonly CublasApi api;
    private readonly nint handle;
    private bool disposed;

    internal CudaBlas(CudaDevice device, CudaLibraryLocator? locator = null)
    {
        api = new CublasApi((locator ?? device.Locator).Load(CudaLibrary.Cublas));
        device.MakeCurrent();
        nint h;
        CublasApi.Check(api.Create(&h), "cublasCreate");
        handle = h;
        CublasApi.Check(api.SetStream(handle, device.Stream), "cublasSetStream");
    }

    /// <summary>C[b] = alpha·op(A[b])·op(B[b]) for b &lt; batch, row-major: A is [M, K] ([K, M] when transposed) with
    /// rows of <paramref name="lda"/>, B [K, N] ([N, K]) with rows of <paramref name="ldb"/>, C [M, N].</summary>
    public void Gemm(DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, int m, int n, int k, bool transposeA, bool transposeB,
        int lda, int ldb, float alpha = 1f, int batch = 1, GemmPrecision precision = GemmPrecision.Float32) =>
        Gemm(a.Pointer, b.Pointer, c.Pointer, m, n, k, transposeA, transposeB, lda, ldb, alpha, batch, precision);

    /// <summary><see cref="Gemm(DeviceBuffer, DeviceBuffer, DeviceBuffer, int, int, int, bool, bool, int, int, float, int, GemmPrecision)"/>
    /// on device addresses inside larger buffers.</summary>
    internal void Gemm(ulong a, ulong b, ulong c, int m, int n, int k, bool transposeA, bool transposeB,
        int lda, int ldb, float alpha, int batch, GemmPrecision precision)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var beta = 0f;
        CublasApi.Check(api.GemmStridedBatchedEx(handle,
            transposeB ? CublasApi.OpT : CublasApi.OpN, transposeA ? CublasApi.OpT : CublasApi.OpN, n, m, k, &alpha,
            b, CublasApi.DataFloat32, ldb, (long)k * n,
            a, CublasApi.DataFloat32, lda, (long)m * k,
            &beta, c, CublasApi.DataFloat32, n, (long)m * n, batch, (int)precision, CublasApi.GemmDefault),
            $"cublasGemmStridedBatchedEx({m}x{n}x{k}, batch {batch}, {precision})");
    }

    public void Dispose()
    {
        if (disposed)
            return;
        disposed = true;
        api.Destroy(handle);
    }
}
