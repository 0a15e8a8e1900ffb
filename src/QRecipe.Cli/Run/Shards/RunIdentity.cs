using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace QRecipe.Cli.Run.Shards;

/// <summary>
/// Everything that decides a sharded run's samples, as ordered name/value pairs: chunk files carry it, a rerun
/// resumes only chunks with the same identity and <c>merge</c> joins only chunks that agree on all of it. Files are
/// identified by the SHA-256 of their bytes, a built-in recipe by its name and the software version that compiled it.
/// </summary>
internal sealed class RunIdentity
{
    public const string Format = "qrecipe-shard-1";

    private RunIdentity(IReadOnlyList<KeyValuePair<string, string>> fields) => Fields = fields;

    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; }

    public string this[string name] => Fields.First(f => f.Key == name).Value;

    public static string SoftwareVersion =>
        typeof(RunIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static RunIdentity Of(IEnumerable<(string Name, string Value)> fields) =>
        new([new("format", Format), new("software_version", SoftwareVersion), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);

    /// <summary>"sha256:HEX" of a file's bytes.</summary>
    public static string FileHash(string path)
    {
        using var stream = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>"sha256:HEX" of the labels as decimal numbers separated by commas.</summary>
    public static string LabelsHash(IEnumerable<int> labels) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(",", labels))));

    /// <summary>The first field that differs from <paramref name="other"/>'s, or null when they agree on every one.</summary>
    public (string Name, string Mine, string Theirs)? Difference(RunIdentity other)
    {
        foreach (var (name, value) in Fields)
        {
            var theirs = other.Fields.FirstOrDefault(f => f.Key == name).Value ?? "(none)";
            if (theirs != value)
                return (name, value, theirs);
        }
        return other.Fields.FirstOrDefault(f => Fields.All(m => m.Key != f.Key)) is { Key: not null } extra ? (extra.Key, "(none)", extra.Value) : null;
    }

    /// <summary>Indented, with +, &lt; and non-ASCII text as they are (the files are UTF-8 and never embedded in HTML).</summary>
    public static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
            Write(json);
        return buffer.ToArray();
    }

    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        foreach (var (name, value) in Fields)
            json.WriteString(name, value);
        json.WriteEndObject();
    }

    /// <summary>The identity a chunk file holds; throws <see cref="InvalidDataException"/> naming the file when it is not one.</summary>
    public static RunIdentity Parse(ReadOnlySpan<byte> utf8, string path)
    {
        var fields = new List<KeyValuePair<string, string>>();
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}: the run settings are not a JSON object");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"{path}: run setting {property.Name} is not a string");
                fields.Add(new(property.Name, property.Value.GetString()!));
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the run settings are not JSON ({e.Message})", e);
        }
        if (fields.FirstOrDefault(f => f.Key == "format").Value != Format)
            throw new InvalidDataException($"{path}: not a chunk of a qrecipe sharded run (format {Format} expected)");
        return new RunIdentity(fields);
    }
}
