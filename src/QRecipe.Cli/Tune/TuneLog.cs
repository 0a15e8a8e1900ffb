using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QRecipe.Cli.Tune;

/// <summary>One evaluated configuration: what was measured, on which samples, and what it cost.</summary>
internal sealed record TuneEntry(string Key, string Stage, string Role, int Samples, int FirstSample, int[] Choices,
    IReadOnlyDictionary<string, double> Cost, IReadOnlyDictionary<string, double?> Metrics, double Seconds);

/// <summary>
/// The search log, <c>tune.jsonl</c>: one JSON object per evaluated configuration, appended (and flushed) as each
/// finishes, so a stopped search resumes where it was. Entries are keyed by a hash of the candidate recipe's text, the
/// stage and its samples, so a rerun skips what is logged and a changed base recipe never reuses a stale entry. Shards
/// write <c>tune-shard-I-of-N.jsonl</c> beside it; every <c>tune*.jsonl</c> of the folder is read as cache, and a
/// run without <c>--shard</c> rewrites <c>tune.jsonl</c> with all of them at its end.
/// </summary>
internal sealed class TuneLog : IDisposable
{
    public const string FileName = "tune.jsonl";

    private readonly Dictionary<string, TuneEntry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _order = new();
    private readonly StreamWriter _writer;

    public TuneLog(string folder, string fileName)
    {
        Folder = folder;
        foreach (var file in Directory.EnumerateFiles(folder, "tune*.jsonl").OrderBy(f => f, StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.Length == 0)
                    continue;
                if (Parse(line) is not { } entry)
                    Unreadable++;
                else if (_entries.TryAdd(entry.Key, entry))
                    _order.Add(entry.Key);
            }
        }
        Path = System.IO.Path.Combine(folder, fileName);
        _writer = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
    }

    public string Folder { get; }

    public string Path { get; }

    /// <summary>Entries read back at the start.</summary>
    public int Loaded => _order.Count - Added;

    public int Added { get; private set; }

    /// <summary>Lines that are not an entry (e.g. the last line of a search killed while writing it); they are skipped.</summary>
    public int Unreadable { get; }

    public IEnumerable<TuneEntry> Entries => _order.Select(k => _entries[k]);

    public static string KeyOf(string candidateText, string stage, int samples, int firstSample)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{stage}\n{samples}\n{firstSample}\n{candidateText}"));
        return Convert.ToHexStringLower(bytes)[..20];
    }

    public bool TryGet(string key, out TuneEntry entry) => _entries.TryGetValue(key, out entry!);

    public void Add(TuneEntry entry)
    {
        if (!_entries.TryAdd(entry.Key, entry))
            return;
        _order.Add(entry.Key);
        Added++;
        _writer.Write(Serialize(entry));
        _writer.Write('\n');
        _writer.Flush();
    }

    /// <summary>Rewrites <c>tune.jsonl</c> atomically with every entry this folder's logs hold (shards' included).</summary>
    public void Consolidate()
    {
        _writer.Flush();
        var text = new StringBuilder();
        foreach (var entry in Entries)
            text.Append(Serialize(entry)).Append('\n');
        RecipeFiles.WriteAtomically(System.IO.Path.Combine(Folder, FileName), text.ToString());
    }

    private static string Serialize(TuneEntry entry)
    {
        var json = new JsonObject
        {
            ["key"] = entry.Key,
            ["stage"] = entry.Stage,
            ["role"] = entry.Role,
            ["samples"] = entry.Samples,
            ["first_sample"] = entry.FirstSample,
            ["choices"] = new JsonArray(entry.Choices.Select(c => (JsonNode?)c).ToArray()),
            ["cost"] = new JsonObject(entry.Cost.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(Finite(p.Value))))),
            ["metrics"] = new JsonObject(entry.Metrics.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value is { } v ? Finite(v) : null)))),
            ["seconds"] = Math.Round(entry.Seconds, 3),
        };
        return json.ToJsonString();
    }

    /// <summary>JSON has no NaN or infinity: such a value is written as null (docs/cli.md, report.json).</summary>
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static TuneEntry? Parse(string line)
    {
        try
        {
            var json = JsonNode.Parse(line)!.AsObject();
            return new TuneEntry(
                json["key"]!.GetValue<string>(), json["stage"]!.GetValue<string>(), json["role"]!.GetValue<string>(),
                json["samples"]!.GetValue<int>(), json["first_sample"]!.GetValue<int>(),
                json["choices"]!.AsArray().Select(c => c!.GetValue<int>()).ToArray(),
                json["cost"]!.AsObject().ToDictionary(p => p.Key, p => p.Value?.GetValue<double>() ?? double.NaN),
                json["metrics"]!.AsObject().ToDictionary(p => p.Key, p => p.Value?.GetValue<double>()),
                json["seconds"]!.GetValue<double>());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            return null;
        }
    }

    public void Dispose() => _writer.Dispose();
}
