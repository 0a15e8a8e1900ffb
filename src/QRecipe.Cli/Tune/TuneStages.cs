using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace QRecipe.Cli.Tune;

/// <summary>
/// Evaluates candidates through the log: a configuration already logged for the same stage and samples is read back,
/// anything else is run and logged at once. Prints one line per evaluation.
/// </summary>
internal sealed class TuneStages(TuneBase tuneBase, TuneLog log, TuneEvaluator evaluator, int seeds, TextWriter output)
{
    public const string SearchStage = "search";
    public const string ValidateStage = "validate";

    private readonly Dictionary<string, Candidate> _candidates = new(StringComparer.Ordinal);

    /// <summary>Seconds this process spent evaluating (entries read from the log add nothing).</summary>
    public double Seconds { get; private set; }

    public int Evaluated { get; private set; }

    /// <summary>Distinct entries read back from the log instead of evaluated.</summary>
    public int Reused => _reused.Count;

    private readonly HashSet<string> _reused = new(StringComparer.Ordinal);

    private readonly HashSet<string> _fresh = new(StringComparer.Ordinal);

    public Candidate Candidate(int[] choices)
    {
        var id = string.Join(",", choices);
        if (!_candidates.TryGetValue(id, out var candidate))
            _candidates[id] = candidate = Tune.Candidate.Of(tuneBase, choices);
        return candidate;
    }

    public string SearchKey(int[] choices) => TuneLog.KeyOf(Candidate(choices).Text, SearchStage, seeds, 0);

    public bool IsLogged(int[] choices) => log.TryGet(SearchKey(choices), out _);

    public TuneEntry Search(int[] choices, string role, string what)
    {
        var candidate = Candidate(choices);
        var key = SearchKey(choices);
        if (log.TryGet(key, out var logged))
        {
            if (!_fresh.Contains(key))
                _reused.Add(key);
            return logged;
        }
        var clock = Stopwatch.StartNew();
        var metrics = evaluator.Search(candidate.Plan, seeds);
        var entry = new TuneEntry(key, SearchStage, role, seeds, 0, Values(choices), candidate.Cost,
            new Dictionary<string, double?> { ["eps_mse"] = metrics.EpsilonMse, ["eps_snr_db"] = metrics.SnrDb },
            clock.Elapsed.TotalSeconds);
        Record(entry);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{role} {what}: noise prediction SNR {metrics.SnrDb:0.00} dB vs float on {seeds} seeds ({entry.Seconds:0.0} s)"));
        return entry;
    }

    public TuneEntry Validate(int[] choices, string role, int samples)
    {
        var candidate = Candidate(choices);
        var key = TuneLog.KeyOf(candidate.Text, ValidateStage, samples, TuneEvaluator.ValidationFirstSample);
        if (log.TryGet(key, out var logged))
        {
            if (!_fresh.Contains(key))
                _reused.Add(key);
            return logged;
        }
        output.WriteLine($"{role}: sampling {samples} held-out samples …");
        var clock = Stopwatch.StartNew();
        var metrics = evaluator.Validate(candidate.Plan, samples);
        var entry = new TuneEntry(key, ValidateStage, role, samples, TuneEvaluator.ValidationFirstSample, Values(choices), candidate.Cost,
            new Dictionary<string, double?> { ["fid"] = metrics.Fid, ["class_accuracy"] = metrics.ClassAccuracy }, clock.Elapsed.TotalSeconds);
        Record(entry);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{role}: FID {metrics.Fid:0.0}, class accuracy {metrics.ClassAccuracy * 100:0.0}% on {samples} held-out samples ({entry.Seconds:0.0} s)"));
        return entry;
    }

    private void Record(TuneEntry entry)
    {
        log.Add(entry);
        _fresh.Add(entry.Key);
        Seconds += entry.Seconds;
        Evaluated++;
    }

    /// <summary>The chosen values (bits, stream lengths), which read better in the log than choice indices.</summary>
    private int[] Values(int[] choices) => choices.Select((k, g) => tuneBase.Space.Groups[g].Choices[k]).ToArray();
}
