using System;
using System.Collections.Generic;
using QRecipe.Plan;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>
/// An open checkpoint file: its format, recognised from the content rather than the extension, and its state
/// dict. The file stays memory-mapped until disposal; tensors are decoded only when copied out.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    private readonly MappedFile _file;

    private Checkpoint(MappedFile file, CheckpointFormat format, StateDict tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        _file = file;
        Format = format;
        Tensors = tensors;
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    /// <summary>The most tensors a checkpoint may hold. A DiT-XL/2 state dict has 292 (about 700 in the diffusers
    /// layout), an SD-VAE 248; every tensor costs a few hundred bytes of bookkeeping before it is validated, so a file
    /// declaring millions would take gigabytes just to be refused.</summary>
    public const int MaxTensors = 100_000;

    public string Path => _file.DisplayName;

    public CheckpointFormat Format { get; }

    /// <summary>The tensors under the names the file uses.</summary>
    public StateDict Tensors { get; }

    /// <summary>The safetensors <c>__metadata__</c> of a file opened with <see cref="OpenPacked"/>; empty otherwise.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens a PyTorch .pt (zip) or .safetensors file; throws <see cref="CheckpointException"/> for anything unusable.</summary>
    public static Checkpoint Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            var format = Detect(file);
            var tensors = format == CheckpointFormat.TorchZip ? TorchCheckpointReader.Read(file) : SafetensorsReader.Read(file);
            return new Checkpoint(file, format, tensors);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Opens a .safetensors file that may hold U8 tensors (an exported quantized model, docs/export-model.md)
    /// and reads its <c>__metadata__</c>, which must map strings to strings; every other check is a checkpoint's.</summary>
    public static Checkpoint OpenPacked(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            if (Detect(file) != CheckpointFormat.Safetensors)
                throw new CheckpointException(file.DisplayName, "a PyTorch .pt (zip) file, not an exported quantized model (a .safetensors file)");
            var (tensors, metadata) = SafetensorsReader.Read(file, packedModel: true);
            return new Checkpoint(file, CheckpointFormat.Safetensors, tensors, metadata);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a DiT checkpoint in either key layout, presents it in the original DiT layout and checks it against
    /// <paramref name="model"/>; every missing key, unexpected key and wrong shape is reported in one exception.
    /// </summary>
    public static Checkpoint OpenDit(string path, ModelSpec model)
    {
        var raw = Open(path);
        try
        {
            var dit = KeyLayout.ToDit(path, raw.Tensors);
            StateDictValidator.Validate(dit, model).ThrowIfInvalid(path, model);
            return new Checkpoint(raw._file, raw.Format, dit);
        }
        catch
        {
            raw.Dispose();
            throw;
        }
    }

    public void Dispose() => _file.Dispose();

    internal static void CheckTensorCount(MappedFile file, long count)
    {
        if (count > MaxTensors)
            throw new CheckpointException(file.DisplayName, $"the file declares {count} tensors; a checkpoint may have at most {MaxTensors} (a DiT-XL/2 has 292)");
    }

    private static CheckpointFormat Detect(MappedFile file)
    {
        if (file.Length < 9)
            throw new CheckpointException(file.DisplayName, $"the file has only {file.Length} bytes, too few for any checkpoint format");
        var head = file.Bytes(0, 9, "the file header");
        if (head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
            return CheckpointFormat.TorchZip;
        // A pickle PROTO opcode: torch.save's format before PyTorch 1.6 (docs/checkpoints.md, refused).
        if (head[0] == 0x80)
            throw new CheckpointException(file.DisplayName,
                "this is a legacy (pre-1.6, non-zip) PyTorch file, which is not supported; re-save it with a current PyTorch: torch.save(torch.load(f), f2)");
        if (head[8] == (byte)'{')
            return CheckpointFormat.Safetensors;
        throw new CheckpointException(file.DisplayName,
            "not a recognised checkpoint: expected a PyTorch .pt (a zip starting with 'PK') or a .safetensors file (a header length and a JSON header)");
    }
}
