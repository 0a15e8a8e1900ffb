using System;
using System.Collections.Generic;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cuda;

/// <summary>Copies, fills, concatenation and splitting between device copies (cuMemcpyDtoD, cuMemsetD32 and the
/// copy_rows kernel of Kernels/layout.cu), so that these steps of a forward do not pull tensors back to the host.</summary>
public sealed partial class CudaBackend
{
    public void Concat(IReadOnlyList<Tensor> inputs, int axis, Tensor output)
    {
        var (outer, wholeRowBytes, rowBytes) = TensorChecks.Concatenation(nameof(Concat), output, axis, inputs, intoWhole: true);
        var sources = new ulong[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
            sources[i] = In(inputs[i]);
        var whole = Out(output);
        var offset = 0L;
        for (var i = 0; i < inputs.Count; i++)
        {
            CopyRows(sources[i], rowBytes[i], whole + (ulong)offset, wholeRowBytes, rowBytes[i], outer);
            offset += rowBytes[i];
        }
    }

    public void Split(Tensor input, int axis, IReadOnlyList<Tensor> outputs)
    {
        var (outer, wholeRowBytes, rowBytes) = TensorChecks.Concatenation(nameof(Split), input, axis, outputs, intoWhole: false);
        var whole = In(input);
        var offset = 0L;
        for (var i = 0; i < outputs.Count; i++)
        {
            CopyRows(whole + (ulong)offset, wholeRowBytes, Out(outputs[i]), rowBytes[i], rowBytes[i], outer);
            offset += rowBytes[i];
        }
    }

    public void Copy(Tensor source, Tensor destination)
    {
        TensorChecks.SameShape(nameof(Copy), source, destination);
        if (source.DataType != destination.DataType)
            throw new ArgumentException($"{nameof(Copy)}: {source.DataType.Name()} {source.Shape} cannot be copied into {destination.DataType.Name()} {destination.Shape}");
        var from = In(source);
        device.CopyOnDevice(Out(destination), from, source.ElementCount * source.DataType.SizeInBytes());
    }

    /// <summary>Float32 and int32 tensors are filled on the device; int8 and int16 ones (never device-resident in a
    /// run) on the host.</summary>
    public void Fill(Tensor tensor, double value)
    {
        switch (tensor.DataType)
        {
            case DataType.Float32:
                device.Fill32(Out(tensor), BitConverter.SingleToUInt32Bits((float)value), tensor.ElementCount);
                break;
            case DataType.Int32:
                device.Fill32(Out(tensor), (uint)checked((int)value), tensor.ElementCount);
                break;
            default:
                Cpu.Fill(tensor, value);
                break;
        }
    }

    private void CopyRows(ulong source, long sourcePitch, ulong destination, long destinationPitch, long width, long rows)
    {
        if (width * rows > 0)
            device.LaunchElements(Layout, "copy_rows", width * rows, new KernelArguments()
                .ULong(source).Long(sourcePitch).ULong(destination).Long(destinationPitch).Long(width).Long(width * rows));
    }
}
