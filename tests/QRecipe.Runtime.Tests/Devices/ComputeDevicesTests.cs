using QRecipe.Language;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Cuda;
using QRecipe.Runtime.Cuda.Backend;
using QRecipe.Runtime.Devices;

namespace QRecipe.Runtime.Tests.Devices;

/// <summary>Opening a compute device by name: the CPU is the CPU backend with the CPU engine in every seam, and a name
/// that is not cpu, cuda or cuda:N is refused with one line naming it and the accepted forms.</summary>
public sealed class ComputeDevicesTests
{
    [Fact]
    public void Cpu_is_the_cpu_backend_with_every_seam_on_the_cpu_engine()
    {
        var device = ComputeDevices.Open("cpu");
        Assert.Same(ComputeDevices.Cpu, device);
        Assert.Equal("cpu", device.Name);
        Assert.Same(CpuBackend.Instance, device.Tensors);
        Assert.Null(device.ActivationQuantizer);
        Assert.Null(device.ScAccumulators);
        Assert.Null(device.ScSurrogate);
        Assert.Equal(new DeviceTraffic(0, 0), device.Traffic);
        var plan = RecipeCompiler.Compile("recipe T\nmodel dit-s/2 image 256\nsampler ddim steps 2\n").Plan!;
        Assert.Empty(device.Describe(plan));
        Assert.Empty(device.Report());
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("CPU")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:one")]
    [InlineData("cuda:0 ")]
    public void A_name_of_no_known_form_is_refused_naming_it(string name)
    {
        var error = Assert.Throws<ComputeDeviceException>(() => ComputeDevices.Open(name));
        Assert.Equal($"unknown device \"{name}\": expected cpu, cuda or cuda:N (N the GPU ordinal)", error.Message);
    }

    [Fact]
    public void Traffic_reads_in_mebibytes()
    {
        Assert.Equal("1.5 MiB copied to the device, 0.0 MiB back", new DeviceTraffic(3 * 512 * 1024, 0).ToString());
    }

    [Fact]
    public void Traffic_between_two_readings_is_their_difference_each_way()
    {
        Assert.Equal(new DeviceTraffic(6, 25), new DeviceTraffic(10, 30) - new DeviceTraffic(4, 5));
    }

    [Fact]
    public void Cuda_comes_from_the_cuda_assembly_or_says_why_it_cannot()
    {
        // The runtime does not reference QRecipe.Runtime.Cuda; Open finds it by name. Where there is a GPU this opens it,
        // elsewhere the provider's message says what is missing (not that the assembly or provider was not found).
        try
        {
            using var device = ComputeDevices.Open("cuda:0");
            Assert.Equal("cuda:0", device.Name);
            Assert.IsType<CudaBackend>(device.Tensors);
        }
        catch (ComputeDeviceException e)
        {
            Assert.StartsWith("CUDA is not available: ", e.Message);
            Assert.IsType<CudaUnavailableException>(e.InnerException);
        }
    }
}
