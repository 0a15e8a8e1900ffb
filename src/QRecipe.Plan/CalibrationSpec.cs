namespace QRecipe.Plan;

/// <summary>Calibration run: FP sampling over <see cref="Samples"/> samples, statistics kept at the listed steps.</summary>
public sealed record CalibrationSpec(int Samples, EquatableArray<int> Steps, int Batch);
