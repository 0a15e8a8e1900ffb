using System.Collections.Generic;

namespace QRecipe.Runtime.Checkpoints;

// The inert values the restricted unpickler builds. Besides these it only produces strings, longs, doubles,
// bools, null, tuples (object?[]) and lists (List<object?>); nothing from the file is ever executed.

/// <summary>A global the allowlist accepted (see <see cref="TorchGlobals"/>).</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A dict or collections.OrderedDict, in insertion order.</summary>
internal sealed class PickleDict
{
    public OrderedDictionary<object, object?> Items { get; } = new();
}

/// <summary>torch.&lt;Name&gt;Storage; <see cref="DType"/> is null for types the runtime does not load (int64, bool…).</summary>
internal sealed record StorageType(string Name, CheckpointDType? DType);

/// <summary>A storage persistent id: ('storage', type, key, location, numel); the bytes are in data/&lt;Key&gt;.</summary>
internal sealed record StorageRef(StorageType Type, string Key, long ElementCount);

/// <summary>The arguments of torch._utils._rebuild_tensor_v2: a strided view of a storage.</summary>
internal sealed record TensorRecord(StorageRef Storage, long Offset, IReadOnlyList<long> Size, IReadOnlyList<long> Stride);
