namespace QRecipe.Runtime.Checkpoints;

/// <summary>Storage element types a checkpoint tensor may have; all are widened to float32 on load. Bytes (U8) occur
/// only in exported quantized models (docs/export-model.md), whose reader asks for them; checkpoints refuse them.</summary>
public enum CheckpointDType
{
    Float32,
    Float16,
    BFloat16,
    UInt8,
}

internal static class CheckpointDTypeExtensions
{
    public static int ElementSize(this CheckpointDType dtype) => dtype switch
    {
        CheckpointDType.Float32 => 4,
        CheckpointDType.UInt8 => 1,
        _ => 2,
    };
}
