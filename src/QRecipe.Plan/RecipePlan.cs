using System;

namespace QRecipe.Plan;

/// <summary>
/// A fully resolved recipe: for every (step, block, operator) the weight and activation quantizer and the SC
/// setting, and for every (block, operator) the smoothing. Cells are stored densely as indices into a palette of
/// distinct settings, so a lookup is two array reads and equal plans compare equal whatever built them.
/// </summary>
public sealed class RecipePlan : IEquatable<RecipePlan>
{
    public RecipePlan(
        string name,
        string description,
        ModelSpec model,
        SamplerSpec sampler,
        CalibrationSpec? calibration,
        EquatableArray<OpSetting> palette,
        EquatableArray<int> cells,
        EquatableArray<SmoothSetting> smoothing)
    {
        Name = name;
        Description = description;
        Model = model;
        Sampler = sampler;
        Calibration = calibration;
        Palette = palette;
        Cells = cells;
        Smoothing = smoothing;
        if (cells.Count != sampler.Steps * SlotsPerStep)
            throw new ArgumentException($"expected {sampler.Steps * SlotsPerStep} cells, got {cells.Count}", nameof(cells));
        if (smoothing.Count != SlotsPerStep)
            throw new ArgumentException($"expected {SlotsPerStep} smoothing slots, got {smoothing.Count}", nameof(smoothing));
        var paletteCount = (uint)palette.Count;
        for (var i = 0; i < cells.Count; i++)
        {
            if ((uint)cells[i] >= paletteCount)
                throw new ArgumentException($"cell refers to palette entry {cells[i]} of {palette.Count}", nameof(cells));
        }
    }

    public string Name { get; }

    public string Description { get; }

    public ModelSpec Model { get; }

    public SamplerSpec Sampler { get; }

    /// <summary>Null when the recipe needs no calibration.</summary>
    public CalibrationSpec? Calibration { get; }

    /// <summary>The distinct settings the cells refer to.</summary>
    public EquatableArray<OpSetting> Palette { get; }

    /// <summary>Palette index per slot, step-major: step × <see cref="SlotsPerStep"/> + <see cref="Slot"/>.</summary>
    public EquatableArray<int> Cells { get; }

    /// <summary>Smoothing per slot (<see cref="Slot"/>); independent of the step.</summary>
    public EquatableArray<SmoothSetting> Smoothing { get; }

    public int Depth => Model.Depth;

    public int Steps => Sampler.Steps;

    /// <summary>Per-block operators of every block followed by the global operators.</summary>
    public int SlotsPerStep => Model.Depth * Operators.PerBlockCount + Operators.Global.Count;

    /// <summary>Slot of an operator; <paramref name="block"/> is ignored for embed and final.</summary>
    public int Slot(int block, Operator op)
    {
        if (!Operators.IsPerBlock(op))
            return Model.Depth * Operators.PerBlockCount + (op - Operator.Embed);
        if ((uint)block >= (uint)Model.Depth)
            throw new ArgumentOutOfRangeException(nameof(block), block, $"block must be in 0..{Model.Depth - 1}");
        return block * Operators.PerBlockCount + (int)op;
    }

    /// <summary>The setting of <paramref name="op"/> in <paramref name="block"/> at sampling step <paramref name="step"/>
    /// (0 = first, noisiest).</summary>
    /// <remarks>Step and block are typed (<see cref="Step"/>, <see cref="Block"/>) so that swapping them does not
    /// compile; every (step, block, operator) lookup in QRecipe takes them in this order.</remarks>
    public OpSetting Get(Step step, Block block, Operator op)
    {
        if ((uint)step.Index >= (uint)Sampler.Steps)
            throw new ArgumentOutOfRangeException(nameof(step), step.Index, $"step must be in 0..{Sampler.Steps - 1}");
        return Palette[Cells[step.Index * SlotsPerStep + Slot(block.Index, op)]];
    }

    /// <summary>The setting of a global operator (embed, final) at a step.</summary>
    public OpSetting GetGlobal(int step, Operator op)
    {
        if (Operators.IsPerBlock(op))
            throw new ArgumentException($"'{Operators.Name(op)}' exists in every block; pass a block index", nameof(op));
        return Get(new Step(step), new Block(0), op);
    }

    public SmoothSetting GetSmoothing(int block, Operator op) => Smoothing[Slot(block, op)];

    public bool Equals(RecipePlan? other) =>
        other is not null
        && Name == other.Name
        && Description == other.Description
        && Model.Equals(other.Model)
        && Sampler.Equals(other.Sampler)
        && Equals(Calibration, other.Calibration)
        && Smoothing.Equals(other.Smoothing)
        && SameCells(other);

    // Palettes may list the same settings in a different order; compare what each cell resolves to.
    private bool SameCells(RecipePlan other)
    {
        if (Cells.Count != other.Cells.Count)
            return false;
        if (Palette.Equals(other.Palette))
            return Cells.Equals(other.Cells);
        for (var i = 0; i < Cells.Count; i++)
        {
            if (!Palette[Cells[i]].Equals(other.Palette[other.Cells[i]]))
                return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is RecipePlan other && Equals(other);

    public override int GetHashCode()
    {
        var hash = unchecked(Name.GetHashCode() * 31 + Model.GetHashCode());
        hash = unchecked(hash * 31 + Sampler.GetHashCode());
        hash = unchecked(hash * 31 + Smoothing.GetHashCode());
        for (var i = 0; i < Cells.Count; i += Math.Max(1, SlotsPerStep / 4))
            hash = unchecked(hash * 31 + Palette[Cells[i]].GetHashCode());
        return hash;
    }

    public override string ToString() => $"RecipePlan {Name}: {Model.Name}, {Sampler.Steps} steps, {Palette.Count} distinct settings";
}
