using QRecipe.Plan;
using QRecipe.Plan.Text;

namespace QRecipe.Language.Binding;

/// <summary>The cells a rule applies to: sets of steps, blocks and operators (each a membership mask).</summary>
internal sealed record Scope(bool[] Steps, bool[] Blocks, bool[] Operators)
{
    public Scope Intersect(bool[]? steps, bool[]? blocks, bool[]? operators) => new(
        And(Steps, steps), And(Blocks, blocks), And(Operators, operators));

    private static bool[] And(bool[] a, bool[]? b)
    {
        if (b is null)
            return a;
        var result = new bool[a.Length];
        for (var i = 0; i < a.Length; i++)
            result[i] = a[i] && b[i];
        return result;
    }
}

/// <summary>A rule of the cascade, in source order. Later rules override earlier ones cell by cell.</summary>
internal abstract record BoundRule(SourceSpan Span, Scope Scope);

internal sealed record WeightRule(SourceSpan Span, Scope Scope, WeightQuant Quant) : BoundRule(Span, Scope);

internal sealed record ActivationRule(SourceSpan Span, Scope Scope, ActivationQuant Quant) : BoundRule(Span, Scope);

internal sealed record SmoothRule(SourceSpan Span, Scope Scope, SmoothSetting Setting) : BoundRule(Span, Scope);

/// <summary>The settings of an <c>sc</c> section header that every rule in the section carries.</summary>
internal sealed record ScHeader(int? Precision, ScKernel Kernel, ScScramble Scramble, long Seed, bool Halve, int Chunk, NoiseModel? Noise, bool Debug)
{
    public static readonly ScHeader Default = new(8, ScKernel.Enable, ScScramble.Bitrev, 0, false, 0, null, false);
}

/// <summary>Sets the stream length (0 = off) of the selected cells, optionally only some heads or output-row groups.</summary>
internal sealed record StreamRule(SourceSpan Span, Scope Scope, ScHeader Header, int Stream, bool[]? Heads, bool[]? Groups, int GroupCount) : BoundRule(Span, Scope);

internal sealed record MixedPrecisionRule(SourceSpan Span, Scope Scope, MixedPrecision Policy) : BoundRule(Span, Scope);

/// <summary>Output-row group lengths of weight operators from the weight's ranges (<c>range</c>).</summary>
internal sealed record RangeRule(SourceSpan Span, Scope Scope, RangeMixedPrecision Policy) : BoundRule(Span, Scope);
