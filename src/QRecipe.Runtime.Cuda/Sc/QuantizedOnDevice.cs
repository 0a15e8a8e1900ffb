using System;
using QRecipe.Runtime.Sc;

namespace QRecipe.Runtime.Cuda.Sc;

/// <summary>An operand quantized to SC codes on the device with a range per row (Kernels/sc_codes.cu
/// sc_quantize_rows), as the CPU engine's <see cref="Runtime.Sc.Encoding.ScQuantizer.Grouped"/> with groups of one
/// row: the codes the enable kernels read and the per-row scale (and zero point and integer row sum when
/// unipolar) the decode reads.</summary>
internal sealed class QuantizedOnDevice : IDisposable
{
    private const string File = "sc_codes.cu";
    private readonly CudaDevice device;

    private QuantizedOnDevice(CudaDevice device, int slices, int rows, int dims, bool unipolar)
    {
        this.device = device;
        var count = (long)slices * rows;
        Boundary = device.Allocate<ushort>(count * dims);
        Sign = device.Allocate<sbyte>(count * dims);
        Scale = device.Allocate<float>(count);
        ZeroPoint = unipolar ? device.Allocate<float>(count) : null;
        RowSum = unipolar ? device.Allocate<long>(count) : null;
        Codes = new CodesOnDevice(Boundary.Pointer, Sign.Pointer, slices, rows, dims);
    }

    public CodesOnDevice Codes { get; }
    public DeviceBuffer Boundary { get; }
    public DeviceBuffer Sign { get; }
    public DeviceBuffer Scale { get; }
    public DeviceBuffer? ZeroPoint { get; }
    public DeviceBuffer? RowSum { get; }

    /// <summary>The slices × rows × dims floats at <paramref name="x"/>, quantized on <paramref name="g"/>'s grid.</summary>
    public static QuantizedOnDevice Quantize(CudaDevice device, ulong x, int slices, int rows, int dims, in ScGeometry g, bool unipolar)
    {
        var codes = new QuantizedOnDevice(device, slices, rows, dims, unipolar);
        device.Launch(File, "sc_quantize_rows", ((uint)(slices * rows), 1, 1), (256, 1, 1), 0, new KernelArguments().ULong(x)
            .Pointer(codes.Boundary).Pointer(codes.Sign).Pointer(codes.Scale).ULong(codes.ZeroPoint?.Pointer ?? 0)
            .ULong(codes.RowSum?.Pointer ?? 0).Int(dims).Int(g.QMax).Int(g.G).Int(unipolar ? 1 : 0));
        return codes;
    }

    /// <summary>Whether every row was finite (a NaN scale marks one that was not): one integer to the host.</summary>
    public bool Finite()
    {
        using var count = device.Allocate<int>(1);
        device.Launch(File, "sc_count_nan", (1, 1, 1), (256, 1, 1), 0,
            new KernelArguments().Pointer(Scale).Pointer(count).Long((long)Codes.Slices * Codes.Rows));
        return count.Download<int>(1)[0] == 0;
    }

    public void Dispose()
    {
        Boundary.Dispose();
        Sign.Dispose();
        Scale.Dispose();
        ZeroPoint?.Dispose();
        RowSum?.Dispose();
    }
}
