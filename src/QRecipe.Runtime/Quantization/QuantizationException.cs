using System;

namespace QRecipe.Runtime.Quantization;

/// <summary>Bad input to a quantizer (bits out of range, a group size that does not divide the layer, NaN/Inf
/// values, missing calibration data). The message always names the layer (and step, where the caller put it in
/// the layer name) and the offending value.</summary>
public sealed class QuantizationException : Exception
{
    public QuantizationException(string layer, string message)
        : base($"{layer}: {message}")
    {
        Layer = layer;
    }

    public string Layer { get; }
}
