namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>Each self-test check through the real host code (bindings, launches, copies, device-resident tensors)
/// against the fake driver, whose kernels run on the CPU. Not a GPU result: the GPU's math library, NVRTC's code
/// generation and the memory model are not exercised (scripts/cuda-emulate/fake-cuda/README.md).</summary>
public sealed class FakeDriverSelfTests
{
    [CudaTheory(CudaNeed.FakeDriver)]
    [MemberData(nameof(GpuSelfTests.Checks), MemberType = typeof(GpuSelfTests))]
    public void Kernel_matches_the_cpu_under_the_fake_driver(string check)
    {
        using var device = FakeDriver.Open();
        GpuSelfTests.AssertPasses(device, check);
    }
}
