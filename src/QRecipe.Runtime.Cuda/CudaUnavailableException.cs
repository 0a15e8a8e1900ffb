using System;

namespace QRecipe.Runtime.Cuda;

/// <summary>The CUDA backend cannot run here: a library or the device is missing. The message says which, where
/// it was looked for and what provides it; the CPU backend is unaffected.</summary>
public sealed class CudaUnavailableException(string message) : Exception(message);
