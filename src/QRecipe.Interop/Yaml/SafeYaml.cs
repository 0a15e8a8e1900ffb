using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using QRecipe.Plan.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace QRecipe.Interop.Yaml;

/// <summary>Reads one YAML document into plain mappings, sequences and text scalars through YamlDotNet's event
/// parser — nothing is bound to .NET types, so a file cannot name one. Refused, with the YAML path and line: tags
/// other than YAML's own (<c>!!python/object</c> …), aliases (the expansion behind "billion laughs" bombs; no
/// configuration of these tools uses them), duplicate keys, non-scalar keys, more than one document, nesting deeper
/// than <see cref="MaxDepth"/>, more than <see cref="MaxNodes"/> nodes and files over <see cref="MaxBytes"/>.</summary>
public static class SafeYaml
{
    public const long MaxBytes = 16L << 20;
    public const int MaxDepth = 64;
    public const int MaxNodes = 1_000_000;

    /// <summary>YAML's own tags for plain values; anything else (<c>!!python/object:…</c>) would ask for a type.</summary>
    private static readonly string[] s_plainTags =
        new[] { "str", "int", "float", "bool", "null", "map", "seq" }.Select(t => "tag:yaml.org,2002:" + t).ToArray();

    public static YamlNode ReadFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > MaxBytes)
            throw new InteropException($"{path}: the file is {stream.Length} bytes; import reads YAML files of at most {MaxBytes} bytes (16 MiB)");
        using var reader = new StreamReader(stream, new UTF8Encoding(false, true));
        string text;
        try
        {
            text = reader.ReadToEnd();
        }
        catch (DecoderFallbackException)
        {
            throw new InteropException($"{path}: not UTF-8 text");
        }
        return Read(text, path);
    }

    public static YamlNode Read(string text, string path)
    {
        var parser = new Parser(new StringReader(text));
        var nodes = 0;
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
                throw new InteropException($"{path}: the file is empty");
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, path, "$", 0, ref nodes);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
                throw new InteropException($"{path}: line {parser.Current?.Start.Line}: a second YAML document; import reads one");
            return root;
        }
        catch (YamlException e)
        {
            throw new InteropException($"{path}: line {e.Start.Line}: not valid YAML: {SafeText.Escape(Message(e), 200)}");
        }
    }

    private static string Message(YamlException e)
    {
        // YamlDotNet prefixes its position "(Line: 3, Col: 5, Idx: …) - (…): "; the line is already in our message.
        var text = e.Message;
        var cut = text.IndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && text.StartsWith('(') ? text[(cut + 3)..] : text;
    }

    private static YamlNode ReadNode(IParser parser, string path, string where, int depth, ref int nodes)
    {
        var current = parser.Current ?? throw new InteropException($"{path}: the YAML ends inside {where}");
        var line = (int)current.Start.Line;
        if (++nodes > MaxNodes)
            throw new InteropException($"{path}: line {line}: more than {MaxNodes} YAML nodes; import reads configurations of at most {MaxNodes}");
        if (depth > MaxDepth)
            throw new InteropException($"{path}: line {line}: {where} is nested more than {MaxDepth} levels deep");
        switch (current)
        {
            case AnchorAlias alias:
                throw new InteropException($"{path}: line {line}: {where} is an alias (*{SafeText.Escape(alias.Value.Value, 40)}); import refuses YAML aliases");
            case NodeEvent node when !node.Tag.IsEmpty && !node.Tag.IsNonSpecific && Array.IndexOf(s_plainTags, node.Tag.Value) < 0:
                throw new InteropException($"{path}: line {line}: {where} has the tag {SafeText.Escape(node.Tag.Value, 60)}; import reads plain YAML values only");
            case Scalar scalar:
                parser.MoveNext();
                return new YamlScalar(where, line, scalar.Value, scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted);
            case SequenceStart:
                {
                    parser.MoveNext();
                    var items = new List<YamlNode>();
                    while (!parser.Accept<SequenceEnd>(out _))
                        items.Add(ReadNode(parser, path, $"{where}[{items.Count}]", depth + 1, ref nodes));
                    parser.MoveNext();
                    return new YamlSequence(where, line, items);
                }
            case MappingStart:
                {
                    parser.MoveNext();
                    var entries = new List<KeyValuePair<string, YamlNode>>();
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    while (!parser.Accept<MappingEnd>(out _))
                    {
                        var keyLine = (int)(parser.Current?.Start.Line ?? line);
                        if (ReadNode(parser, path, where + ".?", depth + 1, ref nodes) is not YamlScalar key)
                            throw new InteropException($"{path}: line {keyLine}: a key in {where} is not a plain value");
                        var child = where == "$" ? key.Text : $"{where}.{key.Text}";
                        if (!seen.Add(key.Text))
                            throw new InteropException($"{path}: line {keyLine}: {SafeText.Escape(child, 120)} is given twice");
                        entries.Add(new(key.Text, ReadNode(parser, path, child, depth + 1, ref nodes)));
                    }
                    parser.MoveNext();
                    return new YamlMapping(where, line, entries);
                }
            default:
                throw new InteropException($"{path}: line {line}: unexpected YAML at {where}");
        }
    }
}
