using System;

namespace QRecipe.Plan;

/// <summary>
/// A DiT block (0 = the first after the embedders). A type of its own so that a block and a step (<see cref="Step"/>)
/// cannot trade places in a call: <c>plan.Get(new Step(block), new Block(step), op)</c> does not compile. It has no conversion to or
/// from <see cref="int"/>: one is made with <c>new Block(3)</c> or <c>Block.At(3)</c> and read with <c>.Index</c>. An implicit
/// conversion to <see cref="int"/> would let a block flow into any integer parameter, a step index included.
/// </summary>
public readonly struct Block : IEquatable<Block>, IComparable<Block>
{
    /// <summary>Makes block <paramref name="index"/>; the plan that uses it checks it against its block count.</summary>
    public Block(int index) => Index = index;

    /// <summary>The index, 0-based.</summary>
    public int Index { get; }

    /// <summary>Block <paramref name="index"/>.</summary>
    public static Block At(int index) => new(index);

    public bool Equals(Block other) => Index == other.Index;

    public override bool Equals(object? obj) => obj is Block other && Equals(other);

    public override int GetHashCode() => Index;

    public int CompareTo(Block other) => Index.CompareTo(other.Index);

    public static bool operator ==(Block left, Block right) => left.Equals(right);

    public static bool operator !=(Block left, Block right) => !left.Equals(right);

    public override string ToString() => "block " + Index;
}
