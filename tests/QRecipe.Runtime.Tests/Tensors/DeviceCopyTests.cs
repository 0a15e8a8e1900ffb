using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Tensors;

/// <summary>The coherence of a tensor's host and device copies (TensorStorage): which side is newer decides every
/// copy, host reads leave the device copy valid, and every access sees the latest values.</summary>
public sealed class DeviceCopyTests
{
    private readonly HostArrayDeviceMemory device = new();

    [Fact]
    public void A_device_result_is_copied_back_once_when_the_host_reads_it()
    {
        using var t = Tensor.From(new float[] { 1, 2, 3 }, 3);
        var address = t.DeviceAddress(device, write: true);
        Assert.Equal(0, device.Uploads); // an output that covers its storage is not uploaded
        device.Write(address, 7, 8, 9);

        Assert.Equal(new float[] { 7, 8, 9 }, t.ToArray<float>());
        Assert.Equal(new float[] { 7, 8, 9 }, t.AsReadOnlySpan<float>().ToArray());
        Assert.Equal(1, device.Downloads);

        Assert.Equal(address, t.DeviceAddress(device, write: false));
        Assert.Equal(0, device.Uploads); // reading on the host left the device copy valid
    }

    [Fact]
    public void A_device_result_read_by_the_next_kernel_is_still_newer_than_the_host()
    {
        using var t = Tensor.From(new float[] { 1, 2 }, 2);
        device.Write(t.DeviceAddress(device, write: true), 3, 4);
        t.DeviceAddress(device, write: false);
        Assert.Equal(new float[] { 3, 4 }, t.ToArray<float>());
        Assert.Equal(1, device.Downloads);
    }

    [Fact]
    public void Host_writes_make_the_device_copy_stale()
    {
        using var t = Tensor.From(new float[] { 1, 2, 3 }, 3);
        var address = t.DeviceAddress(device, write: false);
        Assert.Equal(1, device.Uploads);
        Assert.Equal(new float[] { 1, 2, 3 }, device.Read(address, 3));

        t.DeviceAddress(device, write: false);
        Assert.Equal(1, device.Uploads); // still valid

        t.AsSpan<float>()[1] = 5;
        t.DeviceAddress(device, write: false);
        Assert.Equal(2, device.Uploads);
        Assert.Equal(new float[] { 1, 5, 3 }, device.Read(address, 3));
    }

    [Fact]
    public void An_output_view_gets_the_rest_of_its_storage_uploaded_first()
    {
        using var whole = Tensor.From(new float[] { 0, 1, 2, 3, 4, 5, 6, 7 }, 4, 2);
        using var middle = whole.Slice(1, 2);
        var address = middle.DeviceAddress(device, write: true);
        Assert.Equal(1, device.Uploads);
        Assert.Equal(new float[] { 2, 3, 4, 5 }, device.Read(address, 4)); // the view starts two floats in

        device.Write(address, 20, 30, 40, 50);
        Assert.Equal(new float[] { 0, 1, 20, 30, 40, 50, 6, 7 }, whole.ToArray<float>());
    }

    [Fact]
    public void An_in_place_operation_reads_the_host_values_and_writes_back_through_the_device()
    {
        using var t = Tensor.From(new float[] { 1, 2 }, 2);
        var input = t.DeviceAddress(device, write: false);
        var output = t.DeviceAddress(device, write: true);
        Assert.Equal(input, output);
        Assert.Equal(1, device.Uploads);
        device.Write(output, -1, -2);
        Assert.Equal(new float[] { -1, -2 }, t.ToArray<float>());
    }

    [Fact]
    public void The_cpu_backend_reads_device_results_and_stales_only_what_it_writes()
    {
        var cpu = CpuBackend.Instance;
        using var a = Tensor.From(new float[] { 1, 2, 3, 4 }, 2, 2);
        using var b = Tensor.From(new float[] { 10, 20 }, 2);
        using var sum = Tensor.Zeros(new TensorShape(2, 2));
        device.Write(a.DeviceAddress(device, write: true), 5, 6, 7, 8);
        sum.DeviceAddress(device, write: false);
        var uploads = device.Uploads;

        cpu.Add(a, b, sum);

        Assert.Equal(new float[] { 15, 26, 17, 28 }, sum.ToArray<float>());
        a.DeviceAddress(device, write: false);
        Assert.Equal(uploads, device.Uploads); // a was only read
        Assert.Equal(new float[] { 15, 26, 17, 28 }, device.Read(sum.DeviceAddress(device, write: false), 4));
        Assert.Equal(uploads + 1, device.Uploads); // sum was written on the host
    }

    [Fact]
    public void The_device_block_is_released_with_the_last_view()
    {
        var t = Tensor.From(new float[] { 1, 2, 3, 4 }, 4);
        var view = t.Reshape(2, 2);
        var address = view.DeviceAddress(device, write: false);
        t.Dispose();
        Assert.Empty(device.Released);
        view.Dispose();
        Assert.Equal([(address, (nuint)16)], device.Released);
        Assert.Equal(0, device.LiveBlocks);
    }

    [Fact]
    public void A_second_device_takes_over_the_latest_values()
    {
        var other = new HostArrayDeviceMemory();
        using var t = Tensor.From(new float[] { 1, 2 }, 2);
        device.Write(t.DeviceAddress(device, write: true), 3, 4);

        var address = t.DeviceAddress(other, write: false);

        Assert.Equal(new float[] { 3, 4 }, other.Read(address, 2));
        Assert.Single(device.Released);
        Assert.Equal(new float[] { 3, 4 }, t.ToArray<float>());
    }
}
