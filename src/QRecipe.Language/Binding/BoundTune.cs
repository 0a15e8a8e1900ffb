using System.Collections.Generic;
using QRecipe.Language.Tuning;
using QRecipe.Plan.Text;

namespace QRecipe.Language.Binding;

/// <summary>A <c>tune</c> section after binding: its header settings and rules, checked against the model and sampler
/// but not yet against the base plan (that is <see cref="Lowering.TuneSpaceLowerer"/>'s work).</summary>
internal sealed record BoundTune(SourceSpan Span, TuneBudget? Budget, int? Seeds, int? Validate, IReadOnlyList<BoundTuneRule> Rules);

/// <summary>One rule of a <c>tune</c> section: the cells it selects (heads: null = whole cells), its choices in
/// descending order, and how its cells split into groups.</summary>
internal sealed record BoundTuneRule(
    SourceSpan Span,
    TuneAspect Aspect,
    Scope Scope,
    bool[]? Heads,
    int[] Choices,
    bool PerBlock,
    bool PerOperator,
    bool PerHead,
    int StepBands);
