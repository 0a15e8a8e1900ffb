using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using QRecipe.Plan.Text;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>
/// The allowlist of the restricted unpickler and what each accepted global means. A state dict needs only an
/// OrderedDict, the two tensor rebuild functions and the storage type tags (docs/checkpoints.md); any other global — os.system,
/// builtins.eval, subprocess.Popen, an arbitrary class — is refused when the GLOBAL opcode names it, before any
/// REDUCE could call it. Accepted globals are interpreted here, never looked up or invoked as code.
/// </summary>
internal static class TorchGlobals
{
    private static readonly Dictionary<string, CheckpointDType?> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = CheckpointDType.Float32,
        ["HalfStorage"] = CheckpointDType.Float16,
        ["BFloat16Storage"] = CheckpointDType.BFloat16,
        // Accepted as inert tags so a state dict holding e.g. an int64 buffer is refused with a dtype message.
        ["DoubleStorage"] = null,
        ["LongStorage"] = null,
        ["IntStorage"] = null,
        ["ShortStorage"] = null,
        ["CharStorage"] = null,
        ["ByteStorage"] = null,
        ["BoolStorage"] = null,
        ["ComplexFloatStorage"] = null,
        ["ComplexDoubleStorage"] = null,
        ["UntypedStorage"] = null,
    };

    public const string Accepted =
        "collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and torch.*Storage types";

    /// <summary>The value a GLOBAL opcode pushes, or an exception naming the refused global.</summary>
    public static object Resolve(string module, string name)
    {
        if (module == "torch" && StorageTypes.TryGetValue(name, out var dtype))
            return new StorageType(name, dtype);
        bool allowed = (module, name) switch
        {
            ("collections", "OrderedDict") => true,
            ("torch._utils", "_rebuild_tensor_v2") => true,
            ("torch._utils", "_rebuild_parameter") => true,
            _ => false,
        };
        if (!allowed)
            throw new InvalidDataException(
                $"the pickle refers to the global '{SafeText.Escape(module + "." + name, 200)}', which a state dict never needs; it was refused and nothing was executed (accepted globals: {Accepted})");
        return new PickleGlobal(module, name);
    }

    /// <summary>REDUCE (and NEWOBJ): applies an accepted global to its argument tuple.</summary>
    public static object Call(object? callable, object?[] args)
    {
        switch (callable)
        {
            case PickleGlobal { Name: "OrderedDict" } when args.Length == 0:
                return new PickleDict();
            case PickleGlobal { Name: "_rebuild_tensor_v2" }:
                return RebuildTensor(args);
            // _rebuild_parameter(tensor, requires_grad, backward_hooks): a Parameter is its tensor.
            case PickleGlobal { Name: "_rebuild_parameter" } when args.Length >= 1 && args[0] is TensorRecord tensor:
                return tensor;
            default:
                throw new InvalidDataException($"unsupported call of {Describe(callable)} with {args.Length} argument(s)");
        }
    }

    /// <summary>BINPERSID: a storage reference ('storage', type, key, location, numel).</summary>
    public static StorageRef PersistentLoad(object? id)
    {
        if (id is object?[] { Length: 5 } t && t[0] is "storage" && t[1] is StorageType type && t[2] is string key && t[4] is long count && count >= 0)
            return new StorageRef(type, key, count);
        throw new InvalidDataException($"unsupported persistent id {Describe(id)}; expected ('storage', torch.<Type>Storage, key, location, numel)");
    }

    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    private static TensorRecord RebuildTensor(object?[] args)
    {
        if (args.Length >= 4 && args[0] is StorageRef storage && args[1] is long offset && Longs(args[2]) is { } size && Longs(args[3]) is { } stride && size.Length == stride.Length)
            return new TensorRecord(storage, offset, size, stride);
        throw new InvalidDataException(
            $"_rebuild_tensor_v2 expects (storage, offset, size tuple, stride tuple, …) but got ({ShortList.Join(", ", args, format: Describe)})");
    }

    private static long[]? Longs(object? value) =>
        value is object?[] tuple && tuple.All(v => v is long) ? tuple.Select(v => (long)v!).ToArray() : null;

    /// <summary>A short description of an unpickled value for messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "None",
        string s => "'" + SafeText.Escape(s, 200) + "'",
        long or double or bool => value.ToString()!,
        object?[] tuple => $"a tuple of {tuple.Length}",
        List<object?> list => $"a list of {list.Count}",
        PickleDict => "a dict",
        TensorRecord => "a tensor",
        StorageRef => "a storage",
        StorageType type => $"torch.{type.Name}",
        PickleGlobal global => SafeText.Escape(global.ToString()),
        _ => value.GetType().Name,
    };
}
