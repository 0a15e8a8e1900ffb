using System.Collections.Generic;

namespace QRecipe.Interop.Yaml;

/// <summary>A YAML value as read: scalars stay text (with whether they were quoted), so each reader decides what a
/// value may be; every node knows its path (<c>quant.weight.n_bits</c>) and line for messages.</summary>
public abstract record YamlNode(string Path, int Line);

public sealed record YamlScalar(string Path, int Line, string Text, bool Quoted) : YamlNode(Path, Line);

public sealed record YamlSequence(string Path, int Line, IReadOnlyList<YamlNode> Items) : YamlNode(Path, Line);

/// <summary>A mapping with its keys in file order; keys are scalars and unique (checked when read).</summary>
public sealed record YamlMapping(string Path, int Line, IReadOnlyList<KeyValuePair<string, YamlNode>> Entries) : YamlNode(Path, Line)
{
    public YamlNode? this[string key]
    {
        get
        {
            foreach (var (k, v) in Entries)
            {
                if (k == key)
                    return v;
            }
            return null;
        }
    }
}
