namespace QRecipe.Runtime.Checkpoints;

/// <summary>The container a checkpoint file uses.</summary>
public enum CheckpointFormat
{
    /// <summary>torch.save's zip format (PyTorch ≥ 1.6): zip + pickle protocol 2.</summary>
    TorchZip,

    /// <summary>safetensors: JSON header + raw little-endian data.</summary>
    Safetensors,
}
