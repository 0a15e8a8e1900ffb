namespace QRecipe.Evaluation.Features;

/// <summary>What a feature network made of <see cref="Count"/> images, row by row: pooled features (FID, precision and
/// recall), logits (class accuracy, Inception-style score; empty without a logits output) and flattened spatial
/// features (sFID; empty without a spatial output).</summary>
public sealed record FeatureSet(int Count, int FeatureSize, float[] Features, int ClassCount, float[] Logits, int SpatialSize, float[] Spatial);
