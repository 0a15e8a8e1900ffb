using System;

namespace QRecipe.Runtime.Quantization;

/// <summary>Bad input to a quantizer (bits out of range, a group size that does not divide the layer, NaN/Inf
/// values, missing calibration data). The message always names the layer (and step, where the caller put it in
/// the layer name) and the offending value. An <see cref="ArgumentException"/>, so callers that report bad input
/// (the CLI) print the message instead of a stack trace.</summary>
public sealed class QuantizationException : ArgumentException
{
    public QuantizationException(string layer, string message)
        : base($"{layer}: {message}")
    {
        Layer = layer;
    }

    public string Layer { get; }
}
