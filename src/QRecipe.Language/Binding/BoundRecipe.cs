using System.Collections.Generic;
using QRecipe.Language.Plan;
using QRecipe.Language.Text;

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
