using System.Collections.Generic;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.SecondOrder;

namespace QRecipe.Runtime.Execution.Calibration;

/// <summary>What a calibration run kept, by layer name (attention operands as <c>NAME#0</c>/<c>NAME#1</c>): static
/// ranges (two floats), GPTQ Hessians ([in, in] doubles), per-step channel maxima (steps × in floats) and the
/// bounded α-search inputs. None of it grows with the number of calibration samples.</summary>
public sealed class CalibrationStatistics
{
    public Dictionary<string, StaticRange> Ranges { get; } = new();

    public Dictionary<string, GptqStatistics> Hessians { get; } = new();

    public Dictionary<string, TemporalChannelMax> ChannelMaxima { get; } = new();

    public Dictionary<string, SearchInputs> SearchInputs { get; } = new();

    public static string OperandKey(string layer, int operand) => $"{layer}#{operand}";

    public StaticRange? Range(string layer, int operand) => Ranges.GetValueOrDefault(OperandKey(layer, operand));

    public GptqStatistics? Hessian(string layer) => Hessians.GetValueOrDefault(layer);

    /// <summary>Bytes held by the statistics: what the memory bound is about.</summary>
    public long RetainedBytes
    {
        get
        {
            long bytes = Ranges.Count * 8L;
            foreach (var h in Hessians.Values)
                bytes += h.RetainedBytes;
            foreach (var m in ChannelMaxima.Values)
                bytes += (long)System.Linq.Enumerable.Count(m.Steps) * m.Channels * sizeof(float);
            foreach (var s in SearchInputs.Values)
                bytes += s.RetainedFloats * sizeof(float);
            return bytes;
        }
    }
}
