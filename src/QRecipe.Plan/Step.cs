using System;

namespace QRecipe.Plan;

/// <summary>
/// A sampling step (0 = the first, noisiest). A type of its own so that a step and a block (<see cref="Block"/>)
/// cannot trade places in a call: <c>plan.Get(new Step(block), new Block(step), op)</c> does not compile. It has no conversion to or
/// from <see cref="int"/>: one is made with <c>new Step(3)</c> or <c>Step.At(3)</c> and read with <c>.Index</c>. An implicit
/// conversion to <see cref="int"/> would let a step flow into any integer parameter, a block index included.
/// </summary>
public readonly struct Step : IEquatable<Step>, IComparable<Step>
{
    /// <summary>Makes step <paramref name="index"/>; the plan that uses it checks it against its step count.</summary>
    public Step(int index) => Index = index;

    /// <summary>The index, 0-based.</summary>
    public int Index { get; }

    /// <summary>Step <paramref name="index"/>.</summary>
    public static Step At(int index) => new(index);

    public bool Equals(Step other) => Index == other.Index;

    public override bool Equals(object? obj) => obj is Step other && Equals(other);

    public override int GetHashCode() => Index;

    public int CompareTo(Step other) => Index.CompareTo(other.Index);

    public static bool operator ==(Step left, Step right) => left.Equals(right);

    public static bool operator !=(Step left, Step right) => !left.Equals(right);

    public override string ToString() => "step " + Index;
}
