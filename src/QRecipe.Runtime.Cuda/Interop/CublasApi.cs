namespace QRecipe.Runtime.Cuda.Interop;

/// <summary>The cuBLAS entry points (cublas_api.h, v2 API): handle, stream and the strided-batched mixed-precision
/// GEMM that covers FP32, TF32 and BF16 through its compute type. Column-major, device pointers, host scalars.</summary>
internal sealed unsafe class CublasApi
{
    public const int OpN = 0;
    public const int OpT = 1;
    public const int DataFloat32 = 0;
    public const int GemmDefault = -1;

    public readonly delegate* unmanaged<nint*, int> Create;
    public readonly delegate* unmanaged<nint, int> Destroy;
    public readonly delegate* unmanaged<nint, nint, int> SetStream;
    public readonly delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, int, long, ulong, int, int, long,
        float*, ulong, int, int, long, int, int, int, int> GemmStridedBatchedEx;

    public CublasApi(nint library)
    {
        var e = new Exports(library, CudaLibrary.Cublas);
        Create = (delegate* unmanaged<nint*, int>)e["cublasCreate_v2"];
        Destroy = (delegate* unmanaged<nint, int>)e["cublasDestroy_v2"];
        SetStream = (delegate* unmanaged<nint, nint, int>)e["cublasSetStream_v2"];
        GemmStridedBatchedEx = (delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, int, long, ulong, int, int, long,
            float*, ulong, int, int, long, int, int, int, int>)e["cublasGemmStridedBatchedEx"];
    }

    public static void Check(int status, string call)
    {
        if (status != 0)
            throw new CudaException($"{call} failed: cublasStatus {status} ({StatusName(status)})");
    }

    private static string StatusName(int status) => status switch
    {
        1 => "NOT_INITIALIZED",
        3 => "ALLOC_FAILED",
        7 => "INVALID_VALUE",
        8 => "ARCH_MISMATCH",
        11 => "MAPPING_ERROR",
        13 => "EXECUTION_FAILED",
        14 => "INTERNAL_ERROR",
        15 => "NOT_SUPPORTED",
        _ => "unknown",
    };
}
