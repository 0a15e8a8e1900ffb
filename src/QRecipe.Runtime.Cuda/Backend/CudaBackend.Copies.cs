using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Cuda.Backend;

/// <summary>Copies, fills, concatenation and splitting between device copies (cuMemcpyDtoD, cuMemsetD32 and the
/// copy_rows kernel of Kernels/layout.cu), so that these steps of a forward do not pull tensors back to the host.</summary>
public sealed partial class CudaBackend
{
    public void Concat(IReadOnlyList<Tensor> inputs, int axis, Tensor output) => ConcatOrSplit(nameof(Concat), output, axis, inputs, intoWhole: true);

    public void Split(Tensor input, int axis, IReadOnlyList<Tensor> outputs) => ConcatOrSplit(nameof(Split), input, axis, outputs, intoWhole: false);

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

    /// <summary>Copies between the parts and the whole, part by part as pitched rows (see
    /// <see cref="TensorChecks.Concatenation"/>); the sides read are taken before the sides written.</summary>
    private void ConcatOrSplit(string op, Tensor whole, int axis, IReadOnlyList<Tensor> parts, bool intoWhole)
    {
        var (outer, wholeRowBytes, rowBytes) = TensorChecks.Concatenation(op, whole, axis, parts, intoWhole);
        var sources = intoWhole ? parts.Select(In).ToArray() : null;
        var wholeAddress = intoWhole ? Out(whole) : In(whole);
        var offset = 0L;
        for (var i = 0; i < parts.Count; i++)
        {
            var (from, fromPitch, to, toPitch) = intoWhole
                ? (sources![i], rowBytes[i], wholeAddress + (ulong)offset, wholeRowBytes)
                : (wholeAddress + (ulong)offset, wholeRowBytes, Out(parts[i]), rowBytes[i]);
            if (rowBytes[i] * outer > 0)
                device.LaunchElements(Layout, "copy_rows", rowBytes[i] * outer, new KernelArguments()
                    .ULong(from).Long(fromPitch).ULong(to).Long(toPitch).Long(rowBytes[i]).Long(rowBytes[i] * outer));
            offset += rowBytes[i];
        }
    }
}
