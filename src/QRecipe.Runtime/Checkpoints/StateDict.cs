using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using QRecipe.Plan.Text;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>Named tensors in file order, with lookup by name; names are unique.</summary>
public sealed class StateDict : IReadOnlyList<CheckpointEntry>
{
    private readonly List<CheckpointEntry> _entries = new();
    private readonly Dictionary<string, CheckpointEntry> _byName = new(StringComparer.Ordinal);

    internal StateDict(string file, IEnumerable<CheckpointEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (!_byName.TryAdd(entry.Name, entry))
                throw new CheckpointException(file, $"the key {SafeText.Quote(entry.Name)} occurs twice");
            _entries.Add(entry);
        }
    }

    public int Count => _entries.Count;

    public CheckpointEntry this[int index] => _entries[index];

    public CheckpointEntry this[string name] =>
        _byName.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"the state dict has no key {SafeText.Quote(name)}");

    public bool TryGetValue(string name, [MaybeNullWhen(false)] out CheckpointEntry entry) => _byName.TryGetValue(name, out entry);

    /// <summary>Every tensor decoded to a new float32 array (a convenience for tests and small models).</summary>
    public Dictionary<string, float[]> ToArrays()
    {
        var arrays = new Dictionary<string, float[]>(_entries.Count, StringComparer.Ordinal);
        foreach (var entry in _entries)
            arrays.Add(entry.Name, entry.ToArray());
        return arrays;
    }

    public IEnumerator<CheckpointEntry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
