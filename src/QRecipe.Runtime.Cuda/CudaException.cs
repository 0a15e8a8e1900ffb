using System;

namespace QRecipe.Runtime.Cuda;

/// <summary>A CUDA, NVRTC or cuBLAS call failed at run time; the message names the call and the library's error.</summary>
public sealed class CudaException(string message) : Exception(message);
