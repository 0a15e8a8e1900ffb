using System;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Runtime.Quantization.Activations;

/// <summary>Activation quantization of an operand x [rows, cols] as a plan's <see cref="ActivationQuant"/> says.
/// Dynamic: Q-DiT's "max" grid (docs/quantization.md) recomputed on every call per token (row), per tensor
/// or per group of consecutive channels; static: the calibrated per-tensor asymmetric grid. Unlike Q-DiT,
/// 16 bits is a real 16-bit grid (the plan writes fp for "off").</summary>
public static class ActivationQuantizer
{
    /// <summary>Fake-quantizes x in place. <paramref name="layer"/> names layer and step in errors.</summary>
    public static void FakeQuantize(Span<float> x, int rows, int cols, ActivationQuant setting, StaticRange? range, string layer) =>
        FakeQuantize(x, x, rows, cols, setting, range, layer);

    /// <summary>destination = fake-quantized x (one pass over both, instead of a copy and an in-place pass; the two
    /// may be the same memory).</summary>
    public static void FakeQuantize(ReadOnlySpan<float> x, Span<float> destination, int rows, int cols, ActivationQuant setting, StaticRange? range,
        string layer)
    {
        var groupLength = Validate(x.Length, rows, cols, setting, range, layer);
        if (destination.Length != x.Length)
            throw new QuantizationException(layer, $"destination of {destination.Length} values for {x.Length} activations");
        if (setting.Static)
        {
            if (!UniformKernels.MinMax(x, out _, out _)) QuantGuard.Finite(layer, "activation", x, cols);
            UniformKernels.FakeQuantize(x, destination, range!.Grid(setting.Bits, layer));
            return;
        }
        // Groups are independent, so they run on the CPU workers; a group holding a non-finite value is not written,
        // so in place the first one in row-major order is still there to be reported.
        if (!ParallelFakeQuant.Run(x, destination, groupLength, setting.Bits, setting.Symmetric))
            QuantGuard.Finite(layer, "activation", x, cols);
    }

    /// <summary>The integer form (codes and per-group grids) of x.</summary>
    public static UniformCodes Quantize(ReadOnlySpan<float> x, int rows, int cols, ActivationQuant setting, StaticRange? range, string layer)
    {
        var groupLength = Validate(x.Length, rows, cols, setting, range, layer);
        var codes = new int[x.Length];
        if (setting.Static)
        {
            if (!UniformKernels.MinMax(x, out _, out _)) QuantGuard.Finite(layer, "activation", x, cols);
            var grid = range!.Grid(setting.Bits, layer);
            UniformKernels.Encode(x, codes, grid);
            return new UniformCodes(rows, cols, x.Length, codes, [grid]);
        }
        var grids = new UniformGrid[x.Length / groupLength];
        for (var g = 0; g < grids.Length; g++)
        {
            var group = x.Slice(g * groupLength, groupLength);
            grids[g] = DynamicGrid(group, setting, layer, g * groupLength, cols);
            UniformKernels.Encode(group, codes.AsSpan(g * groupLength, groupLength), grids[g]);
        }
        return new UniformCodes(rows, cols, groupLength, codes, grids);
    }

    /// <summary>Checks the setting and shape and returns the group length (the whole tensor for a static range).</summary>
    internal static int Validate(int length, int rows, int cols, ActivationQuant setting, StaticRange? range, string layer)
    {
        if (setting.IsFloat) throw new QuantizationException(layer, "setting is fp: floating-point activations are not quantized");
        QuantGuard.Bits(layer, setting.Bits, QuantGuard.MaxActivationBits);
        QuantGuard.Shape(layer, length, rows, cols);
        if (!setting.Static) return GroupLayout.Length(layer, setting.Granularity, setting.GroupSize, rows, cols, weight: false);
        // Static ranges are per-tensor and asymmetric only (Q-DiT's static mode).
        if (setting.Symmetric || setting.Granularity != Granularity.PerTensor)
            throw new QuantizationException(layer, $"static activations are per-tensor asymmetric, not {setting}");
        if (range is null) throw new QuantizationException(layer, "static activations need a calibrated range (none given)");
        return length;
    }

    private static UniformGrid DynamicGrid(ReadOnlySpan<float> group, ActivationQuant setting, string layer, int offset, int cols)
    {
        if (!UniformKernels.MinMax(group, out var min, out var max))
        {
            for (var i = 0; i < group.Length; i++)
            {
                if (!float.IsFinite(group[i]))
                    throw new QuantizationException(layer, $"activation [{(offset + i) / cols}, {(offset + i) % cols}] is {group[i]}");
            }
        }
        return UniformGrid.QDit(min, max, setting.Bits, setting.Symmetric);
    }
}
