using System;
using System.Collections.Generic;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Diffusion;

/// <summary>
/// An operator produced NaN or ±∞ from finite inputs. It is thrown where the value first appears, so the message
/// names that step, part, operator and layer rather than a later consumer of the value. The message is for the user
/// (printed without a stack trace).
/// </summary>
public sealed class NonFiniteActivationException : Exception
{
    public NonFiniteActivationException(ActivationSite site, long count, long elements, string firstPosition, float firstValue, int? step = null,
        string? run = null)
        : base(Format(site, count, elements, firstPosition, firstValue, step, run))
    {
        Site = site;
        Count = count;
        Elements = elements;
        FirstPosition = firstPosition;
        FirstValue = firstValue;
        Step = step;
        Run = run;
    }

    public ActivationSite Site { get; }

    /// <summary>How many values of the operator's output are not finite.</summary>
    public long Count { get; }

    /// <summary>The size of the operator's output.</summary>
    public long Elements { get; }

    /// <summary>Index of the first non-finite value in the output, e.g. <c>[0, 3, 17]</c>.</summary>
    public string FirstPosition { get; }

    public float FirstValue { get; }

    /// <summary>The sampling step (0 = first, noisiest); null for a forward pass outside sampling.</summary>
    public int? Step { get; }

    /// <summary>Which sampling it happened in when not the recipe's own: "calibration" or "floating-point reference".</summary>
    public string? Run { get; }

    /// <summary>The exception for <paramref name="values"/> (the operator's output, shaped <paramref name="shape"/>),
    /// of which <paramref name="count"/> are not finite.</summary>
    public static NonFiniteActivationException Of(ActivationSite site, ReadOnlySpan<float> values, IReadOnlyList<int> shape, long count)
    {
        var first = FiniteValues.FirstNonFinite(values);
        return new NonFiniteActivationException(site, count, values.Length, FiniteValues.Position(first, shape), values[(int)first]);
    }

    public NonFiniteActivationException AtStep(int step) => new(Site, Count, Elements, FirstPosition, FirstValue, step, Run);

    public NonFiniteActivationException InRun(string run) => new(Site, Count, Elements, FirstPosition, FirstValue, Step, run);

    private static string Format(ActivationSite site, long count, long elements, string position, float value, int? step, string? run) =>
        $"non-finite activation{(run is null ? string.Empty : $" in the {run} run")}{(step is { } s ? $" at step {s}," : " in")} {site}: "
        + $"{count} of {elements} values are NaN or infinite, the first is {FiniteValues.Describe(value)} at {position}";
}
