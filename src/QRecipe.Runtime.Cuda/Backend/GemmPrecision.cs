namespace QRecipe.Runtime.Cuda.Backend;

/// <summary>How cuBLAS computes an FP32-in/FP32-out GEMM: its cublasComputeType_t. TF32, BF16 and FP16 let it round
/// the inputs and use tensor cores; accumulation is FP32 in every case.</summary>
public enum GemmPrecision
{
    Float32 = 68,
    Float16 = 74,
    BFloat16 = 75,
    TensorFloat32 = 77,
}
