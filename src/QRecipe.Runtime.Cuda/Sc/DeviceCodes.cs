using System;
using System.Collections.Generic;
using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Cuda.Sc;

/// <summary>The codes the enable kernels read (boundaries and signs) of equally shaped slices, laid end to end in
/// device memory: a call's operand, or a prepared weight kept on the device for a whole run.</summary>
public sealed class DeviceCodes : IDisposable
{
    private DeviceCodes(DeviceBuffer boundary, DeviceBuffer sign, int slices, int rows, int dims)
    {
        Boundary = boundary;
        Sign = sign;
        Slices = slices;
        Rows = rows;
        Dims = dims;
    }

    internal DeviceBuffer Boundary { get; }
    internal DeviceBuffer Sign { get; }
    public int Slices { get; }

    /// <summary>Rows of one slice.</summary>
    public int Rows { get; }
    public int Dims { get; }

    /// <summary>Uploads slices with the first one's shape.</summary>
    public static DeviceCodes Upload(CudaDevice device, IReadOnlyList<ScCodes> slices)
    {
        var (rows, dims) = (slices[0].Rows, slices[0].Dims);
        foreach (var slice in slices)
        {
            if (slice.Rows != rows || slice.Dims != dims || !slice.HasElements)
                throw new ArgumentException($"slices of {slice.Rows}×{slice.Dims} codes (elements: {slice.HasElements}) and {rows}×{dims} cannot form one operand");
        }

        var boundary = device.Upload<ushort>(Join(slices, c => c.Boundary, rows * dims));
        try
        {
            return new DeviceCodes(boundary, device.Upload<sbyte>(Join(slices, c => c.Sign, rows * dims)), slices.Count, rows, dims);
        }
        catch
        {
            boundary.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Boundary.Dispose();
        Sign.Dispose();
    }

    /// <summary>One slice's array itself, or the slices' arrays end to end.</summary>
    internal static T[] Join<T>(IReadOnlyList<ScCodes> slices, Func<ScCodes, T[]> field, int perSlice)
    {
        if (slices.Count == 1)
            return field(slices[0]);
        var joined = new T[slices.Count * perSlice];
        for (var s = 0; s < slices.Count; s++)
            field(slices[s]).AsSpan(0, perSlice).CopyTo(joined.AsSpan(s * perSlice));
        return joined;
    }
}
