using System.Collections.Generic;
using QRecipe.Plan;
using QRecipe.Plan.Text;

namespace QRecipe.Language.Binding;

/// <summary>A recipe after binding: header settings and the rules of the cascade in source order.</summary>
internal sealed record BoundRecipe(
    string Name,
    string Description,
    ModelSpec Model,
    SamplerSpec Sampler,
    CalibrationSpec? Calibration,
    IReadOnlyList<BoundRule> Rules,
    SourceSpan? NeedsCalibrationAt,
    BoundTune? Tune);
