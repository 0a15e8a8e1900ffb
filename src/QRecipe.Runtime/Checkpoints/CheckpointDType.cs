namespace QRecipe.Runtime.Checkpoints;

/// <summary>Storage element types a checkpoint tensor may have; all are widened to float32 on load.</summary>
public enum CheckpointDType
{
    Float32,
    Float16,
    BFloat16,
}

internal static class CheckpointDTypeExtensions
{
    public static int ElementSize(this CheckpointDType dtype) => dtype == CheckpointDType.Float32 ? 4 : 2;
}
