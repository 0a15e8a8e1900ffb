using QRecipe.Runtime.Cuda;
using QRecipe.Runtime.Cuda.SelfTest;


namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>Each self-test check (every kernel against the CPU backend or SC engine on seeded inputs) as a test;
/// skipped with the reason where there is no CUDA device. None has run on a GPU yet (docs/cuda.md).</summary>
public sealed class GpuSelfTests
{
    public static TheoryData<string> Checks() => new(CudaSelfTest.Names);

    [CudaTheory(CudaNeed.Gpu)]
    [MemberData(nameof(Checks))]
    public void Kernel_matches_the_cpu(string check)
    {
        using var device = CudaDevice.Open();
        AssertPasses(device, check);
    }

    /// <summary>Runs one self-test check on <paramref name="device"/> and fails with its error and detail.</summary>
    internal static void AssertPasses(CudaDevice device, string check)
    {
        var result = Assert.Single(CudaSelfTest.Run(device, check), r => r.Name == check);
        Assert.True(result.Passed, $"{check}: error {result.Error:E2} > {result.Tolerance:E0}; {result.Detail}");
    }
}
