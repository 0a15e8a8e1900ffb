using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using QRecipe.Plan.Text;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>
/// Reads a state dict saved by torch.save (zip format, PyTorch ≥ 1.6; docs/checkpoints.md): the zip directory, the byteorder
/// entry, data.pkl through the restricted <see cref="PickleMachine"/>, and one view per tensor over its data/&lt;key&gt;
/// storage entry. Tensors sharing a storage share its bytes.
/// </summary>
internal static class TorchCheckpointReader
{
    public static StateDict Read(MappedFile file)
    {
        var entries = ZipReader.ReadEntries(file);
        string prefix = Prefix(file, entries);
        bool bigEndian = ReadByteOrder(file, entries, prefix);

        if (!entries.TryGetValue(prefix + "data.pkl", out var pickleEntry))
            throw new CheckpointException(file.DisplayName, $"the zip has no {SafeText.Quote(prefix + "data.pkl")} entry, so it is not a PyTorch checkpoint");
        if (pickleEntry.Length > Array.MaxLength)
            throw new CheckpointException(file.DisplayName, $"{SafeText.Quote(prefix + "data.pkl")} is {pickleEntry.Length} bytes; a state dict's pickle is read whole and may have at most {Array.MaxLength}");
        var pickle = file.Bytes(pickleEntry.DataOffset, (int)pickleEntry.Length, "data.pkl").ToArray();
        var root = PickleMachine.Load(pickle, file.DisplayName, "data.pkl");
        if (root is not PickleDict dict)
            throw new CheckpointException(file.DisplayName, $"the checkpoint holds {TorchGlobals.Describe(root)}, not a state dict (a dict of tensors)");

        Checkpoint.CheckTensorCount(file, dict.Items.Count);
        var tensors = new List<CheckpointEntry>(dict.Items.Count);
        foreach (var (key, value) in dict.Items)
        {
            if (key is not string name)
                throw new CheckpointException(file.DisplayName, $"the state dict has the key {TorchGlobals.Describe(key)}; keys must be strings");
            if (value is not TensorRecord tensor)
                throw new CheckpointException(file.DisplayName,
                    $"the value of {SafeText.Quote(name)} is {TorchGlobals.Describe(value)}, not a tensor; the file is not a plain state dict (for a training checkpoint, save its 'ema' or 'model' state dict on its own)");
            tensors.Add(CreateEntry(file, entries, prefix, bigEndian, name, tensor));
        }
        return new StateDict(file.DisplayName, tensors);
    }

    // Every entry sits under one top-level folder named after the saved file ("archive/" for streams).
    private static string Prefix(MappedFile file, Dictionary<string, ZipReader.Entry> entries)
    {
        string? pickle = entries.Keys.FirstOrDefault(k => k.EndsWith("/data.pkl", StringComparison.Ordinal) && k.IndexOf('/') == k.Length - "/data.pkl".Length);
        return pickle is null
            ? throw new CheckpointException(file.DisplayName, "the zip has no <folder>/data.pkl entry, so it is not a PyTorch checkpoint")
            : pickle[..(pickle.Length - "data.pkl".Length)];
    }

    // Absent in files from older PyTorch releases, which torch.load then reads as little-endian.
    private static bool ReadByteOrder(MappedFile file, Dictionary<string, ZipReader.Entry> entries, string prefix)
    {
        if (!entries.TryGetValue(prefix + "byteorder", out var entry))
            return false;
        string order = Encoding.ASCII.GetString(file.Bytes(entry.DataOffset, (int)Math.Min(entry.Length, 16), "the byteorder entry")).Trim();
        return order switch
        {
            "little" => false,
            "big" => true,
            _ => throw new CheckpointException(file.DisplayName, $"the byteorder entry says {SafeText.Quote(order)}; expected 'little' or 'big'"),
        };
    }

    private static MappedTensorEntry CreateEntry(MappedFile file, Dictionary<string, ZipReader.Entry> entries, string prefix,
        bool bigEndian, string name, TensorRecord tensor)
    {
        var storage = tensor.Storage;
        var tensorName = SafeText.Quote(name);
        if (storage.Type.DType is not { } dtype)
            throw new CheckpointException(file.DisplayName,
                $"tensor {tensorName} is stored as torch.{storage.Type.Name}; only float32, float16 and bfloat16 tensors are supported");
        var storageName = SafeText.Quote(storage.Key);
        if (!entries.TryGetValue(prefix + "data/" + storage.Key, out var data))
            throw new CheckpointException(file.DisplayName, $"tensor {tensorName} refers to storage {storageName}, but the zip has no entry {SafeText.Quote(prefix + "data/" + storage.Key)}");
        // torch.save writes exactly numel × element size bytes per storage; any other length means the declared
        // size is wrong, and a product that overflows could otherwise wrap around to a length that fits.
        long bytes;
        try
        {
            bytes = checked(storage.ElementCount * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw new CheckpointException(file.DisplayName,
                $"storage {storageName} of tensor {tensorName} declares {storage.ElementCount} elements, more bytes than 64-bit sizes can count; its entry has {data.Length} bytes");
        }
        if (data.Length != bytes)
            throw new CheckpointException(file.DisplayName,
                $"storage {storageName} of tensor {tensorName} declares {storage.ElementCount} elements ({bytes} bytes) but its entry has {data.Length} bytes");

        var shape = new int[tensor.Size.Count];
        for (int k = 0; k < shape.Length; k++)
        {
            if (tensor.Size[k] is < 0 or > int.MaxValue)
                throw new CheckpointException(file.DisplayName, $"tensor {tensorName} has an invalid size ({ShortList.Join(", ", tensor.Size)})");
            shape[k] = (int)tensor.Size[k];
        }
        return MappedTensorEntry.Create(name, dtype, shape, file, data.DataOffset, storage.ElementCount, tensor.Offset, tensor.Stride.ToArray(), bigEndian);
    }
}
