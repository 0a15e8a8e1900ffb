using QRecipe.Runtime.Backends.Cuda.SelfTest;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>Each self-test check through the real host code (bindings, launches, copies, device-resident tensors)
/// against the fake driver, whose kernels run on the CPU. Not a GPU result: the GPU's math library, NVRTC's code
/// generation and the memory model are not exercised (scripts/cuda-emulate/fake-cuda/README.md).</summary>
public sealed class FakeDriverSelfTests
{
    public static TheoryData<string> Checks() => new(CudaSelfTest.Names);

    [FakeDriverTheory]
    [MemberData(nameof(Checks))]
    public void Kernel_matches_the_cpu_under_the_fake_driver(string check)
    {
        using var device = FakeDriver.Open();
        var result = Assert.Single(CudaSelfTest.Run(device, check), r => r.Name == check);
        Assert.True(result.Passed, $"{check}: error {result.Error:E2} > {result.Tolerance:E0}; {result.Detail}");
    }
}
