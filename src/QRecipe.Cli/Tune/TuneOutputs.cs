using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using QRecipe.Language;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Tuning;

namespace QRecipe.Cli.Tune;

/// <summary>Writes a finished search's files, each atomically: the tuned recipe (compiled first: it must be clean and
/// lower to exactly the evaluated plan), <c>pareto.png</c>, <c>report.md</c> and <c>report.json</c>.</summary>
internal sealed class TuneOutputs(TuneBase tuneBase, TuneStages stages, string folder, int seeds)
{
    public const string RecipeFile = "tuned.qrecipe";

    public string WriteRecipe(TuneOutcome outcome, string name)
    {
        var chosen = stages.Candidate(outcome.Chosen);
        var entry = stages.Search(outcome.Chosen, "search", "chosen");
        var kind = TuneBudget.KindName(outcome.Budget.Kind);
        var comments = new List<string>
        {
            $"Tuned by 'qrecipe tune' from {Path.GetFileName(tuneBase.Path)} for the budget {outcome.Budget} (limit {F(outcome.Limit)} {kind}); it uses {CostText(chosen.Cost)}.",
            $"Search metric on {seeds} seeds: noise-prediction error {G(entry.Metrics["eps_mse"])} (SNR {F(entry.Metrics["eps_snr_db"])} dB) against float along the float trajectory.",
        };
        if (outcome.ChosenValidation is { } v)
            comments.Add($"Held out ({v.Samples} samples): FID {F(v.Metrics["fid"])}, class accuracy {P(v.Metrics["class_accuracy"])}{UniformText(outcome)}.");
        var text = CandidateRecipe.Text(tuneBase, outcome.Chosen, name, comments);
        var compilation = RecipeCompiler.Compile(text, Path.Combine(folder, RecipeFile));
        // A base rule whose cells the tuned rules all override is reported as shadowed (QR0700): that says what the
        // tuning did, so it is the one diagnostic the written recipe may carry.
        var problem = compilation.Diagnostics.FirstOrDefault(d => d.Id != DiagnosticCatalog.RuleShadowed.Id);
        if (problem is not null || compilation.Plan is null)
            throw new InvalidDataException($"the tuned recipe does not check clean: {problem}");
        if (!SameCells(compilation, chosen))
            throw new InvalidDataException("the tuned recipe does not lower to the evaluated configuration");
        var path = Path.Combine(folder, RecipeFile);
        RecipeFiles.WriteAtomically(path, text);
        return path;
    }

    private static bool SameCells(RecipeCompilation compilation, Candidate chosen)
    {
        var (a, b) = (compilation.Plan!, chosen.Plan);
        return Enumerable.Range(0, a.Cells.Count).All(i => a.Palette[a.Cells[i]].Equals(b.Palette[b.Cells[i]]));
    }

    private static string UniformText(TuneOutcome outcome) => outcome.UniformValidation is { } u
        ? $"; best uniform of the budget: FID {F(u.Metrics["fid"])}, class accuracy {P(u.Metrics["class_accuracy"])}"
        : string.Empty;

    public void WritePlot(TuneOutcome outcome, IReadOnlyList<TuneEntry> search)
    {
        var key = stages.SearchKey(outcome.Chosen);
        var uniform = outcome.Uniform.Select(stages.SearchKey).ToHashSet(StringComparer.Ordinal);
        RecipeFiles.WriteAtomically(Path.Combine(folder, "pareto.png"), ParetoPlot.Render(outcome, search, tuneBase.Plan.Name, key, uniform, seeds));
    }

    public void WriteReports(TuneOutcome outcome, IReadOnlyList<TuneEntry> search, string recipePath)
    {
        var kind = TuneBudget.KindName(outcome.Budget.Kind);
        var chosen = stages.Search(outcome.Chosen, "search", "chosen");
        var uniform = outcome.BestUniform is { } u ? stages.Search(u, "uniform", "best uniform") : null;
        var evaluationSeconds = search.Sum(e => e.Seconds);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# qrecipe tune: {tuneBase.Plan.Name}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Base `{tuneBase.Path}`, budget `{outcome.Budget}` (limit {F(outcome.Limit)} {kind}), {tuneBase.Space.Groups.Count} groups, {search.Count} configurations evaluated on {seeds} search seeds ({F(evaluationSeconds)} s of evaluation; this run's search took {F(outcome.WallSeconds)} s).\n\n");
        md.Append("| Configuration | ").Append(kind).Append(" | ε MSE (search) | ε SNR (search) | FID (held out) | class acc. (held out) |\n|---|---|---|---|---|---|\n");
        Row(md, "tuned", chosen, outcome.ChosenValidation, kind);
        if (uniform is not null)
            Row(md, "best uniform within the budget", uniform, outcome.UniformValidation, kind);
        md.Append(CultureInfo.InvariantCulture, $"\nThe tuned recipe is `{Path.GetFileName(recipePath)}`; every evaluated configuration is in `tune.jsonl`, the plot in `pareto.png`.\n");
        RecipeFiles.WriteAtomically(Path.Combine(folder, "report.md"), md.ToString());

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("base", tuneBase.Path);
            json.WriteString("budget", outcome.Budget.ToString());
            json.WriteNumber("limit", outcome.Limit);
            json.WriteNumber("groups", tuneBase.Space.Groups.Count);
            json.WriteNumber("search_seeds", seeds);
            json.WriteNumber("configurations_evaluated", search.Count);
            json.WriteNumber("evaluation_seconds", Math.Round(evaluationSeconds, 1));
            json.WriteNumber("search_wall_seconds", Math.Round(outcome.WallSeconds, 1));
            json.WriteString("recipe", recipePath);
            Entry(json, "tuned", chosen, outcome.ChosenValidation);
            if (uniform is not null)
                Entry(json, "best_uniform", uniform, outcome.UniformValidation);
            json.WriteEndObject();
        }
        RecipeFiles.WriteAtomically(Path.Combine(folder, "report.json"), stream.ToArray());
    }

    private static void Row(StringBuilder md, string label, TuneEntry search, TuneEntry? validation, string kind) =>
        md.Append(CultureInfo.InvariantCulture,
            $"| {label} | {F(search.Cost[kind])} | {G(search.Metrics["eps_mse"])} | {F(search.Metrics["eps_snr_db"])} dB | {(validation is null ? "—" : F(validation.Metrics["fid"]))} | {(validation is null ? "—" : P(validation.Metrics["class_accuracy"]))} |\n");

    private static void Entry(Utf8JsonWriter json, string name, TuneEntry search, TuneEntry? validation)
    {
        json.WriteStartObject(name);
        json.WriteStartArray("choices");
        foreach (var value in search.Choices)
            json.WriteNumberValue(value);
        json.WriteEndArray();
        json.WriteStartObject("cost");
        foreach (var (key, value) in search.Cost)
            json.WriteNumber(key, value);
        json.WriteEndObject();
        Metrics(json, "search", search);
        if (validation is not null)
            Metrics(json, "validation", validation);
        json.WriteEndObject();
    }

    private static void Metrics(Utf8JsonWriter json, string name, TuneEntry entry)
    {
        json.WriteStartObject(name);
        json.WriteNumber("samples", entry.Samples);
        json.WriteNumber("first_sample", entry.FirstSample);
        foreach (var (key, value) in entry.Metrics)
        {
            if (value is { } v && double.IsFinite(v))
                json.WriteNumber(key, v);
            else
                json.WriteNull(key);
        }
        json.WriteEndObject();
    }

    private static string CostText(IReadOnlyDictionary<string, double> cost) => string.Join(", ", cost.Select(p => $"{p.Key} {F(p.Value)}"));

    private static string F(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "—";

    private static string G(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("G4", CultureInfo.InvariantCulture) : "—";

    private static string P(double? value) => value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";
}
