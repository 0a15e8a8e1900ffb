using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Cuda.Backend;

namespace QRecipe.Runtime.Cuda.SelfTest;

/// <summary>
/// Every CUDA kernel against the CPU backend or SC engine on seeded inputs (<c>qrecipe selftest --device cuda</c>
/// and the GPU-only tests). A check that throws is a failure carrying the exception's message.
/// </summary>
public static class CudaSelfTest
{
    public static IReadOnlyList<SelfTestCase> Cases { get; } = [.. BackendCases.All(), .. ScCases.All()];

    public static IReadOnlyList<string> Names => Cases.Select(c => c.Name).ToList();

    /// <summary>Runs the checks whose names contain <paramref name="filter"/> (all when null), reporting each as it ends.</summary>
    public static IReadOnlyList<SelfTestResult> Run(CudaDevice device, string? filter = null, Action<SelfTestResult>? finished = null)
    {
        using var backend = new CudaBackend(device);
        using var blas = new CudaBlas(device);
        var context = new SelfTestContext(device, backend, blas, CpuBackend.Instance);
        var results = new List<SelfTestResult>();
        foreach (var check in Cases.Where(c => filter is null || c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
        {
            SelfTestResult result;
            try
            {
                result = check.Run(context);
            }
            catch (Exception e) when (e is CudaException or ArgumentException or InvalidOperationException or OutOfMemoryException)
            {
                result = new SelfTestResult(check.Name, false, double.NaN, 0, $"{e.GetType().Name}: {e.Message}");
            }

            results.Add(result);
            finished?.Invoke(result);
        }

        return results;
    }
}
