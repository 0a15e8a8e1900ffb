using System.Collections.Generic;

namespace QRecipe.Interop.Pickle;

/// <summary>A Python dict as read: its entries in insertion order (keys are strings, numbers, booleans, None or
/// tuples of those; a key given twice keeps both entries so a reader can refuse it).</summary>
public sealed class PickleDict
{
    public List<KeyValuePair<object?, object?>> Entries { get; } = new();
}

/// <summary>A Python tuple as read.</summary>
public sealed record PickleTuple(IReadOnlyList<object?> Items);
