using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using QRecipe.Cli.Run.Shards;
using QRecipe.Cli.Tune;
using QRecipe.Evaluation.Quality;
using QRecipe.Language.Tuning;
using QRecipe.Plan.Models;
using QRecipe.Plan.Text;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Bundled;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Dit;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe tune BASE.qrecipe --budget KIND=VALUE</c>: searches the recipe's <c>tune</c> section for the
/// best configuration under a budget and writes it as a recipe (docs/tune.md).</summary>
internal static partial class TuneCommand
{
    public const int DefaultSeeds = 64;
    public const int DefaultValidation = 2000;
    public const int DefaultRefine = 12;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var recipe = new Argument<string>("recipe") { Description = "A .qrecipe file with a 'tune' section" };
        var budget = new Option<string?>("--budget") { Description = "KIND=VALUE: wbits=4.5, bops=32, sc-bitops=50%, float-share=5% (overrides the section's 'budget')" };
        var outDir = new Option<string>("--out") { Description = "Folder for tuned.qrecipe, tune.jsonl, pareto.png and the report; rerunning resumes from its log", DefaultValueFactory = _ => "tune-results" };
        var seeds = new Option<int?>("--seeds") { Description = $"Search samples (default: the section's 'seeds', else {DefaultSeeds})" };
        var validate = new Option<int?>("--validate") { Description = $"Held-out samples for the final comparison, 0 to skip (default: the section's 'validate', else {DefaultValidation})" };
        var refine = new Option<int>("--refine") { Description = "Real evaluations the local search may spend", DefaultValueFactory = _ => DefaultRefine };
        var name = new Option<string?>("--name") { Description = "Name of the tuned recipe (default: the base name + 'Tuned')" };
        var shard = new Option<string?>("--shard") { Description = "I/N: evaluate only this shard's share of the sensitivity stage and stop (docs/tune.md)" };
        var command = new Command("tune", "Search a recipe's 'tune' section for the best configuration under a budget");
        command.Arguments.Add(recipe);
        foreach (var option in new Option[] { budget, outDir, seeds, validate, refine, name, shard })
            command.Options.Add(option);
        command.SetAction((result, token) => Task.FromResult(new Invocation(output, error).Run(
            result.GetRequiredValue(recipe), result.GetValue(budget), result.GetRequiredValue(outDir), result.GetValue(seeds), result.GetValue(validate),
            result.GetValue(refine), result.GetValue(name), result.GetValue(shard), token)));
        return command;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    private sealed class Invocation(TextWriter output, TextWriter error)
    {
        public int Run(string recipe, string? budgetText, string outDir, int? seedOption, int? validateOption, int refine, string? nameOption,
            string? shardText, CancellationToken cancellation)
        {
            var status = RecipeFiles.TryCompileOne(recipe, output, error, out var plan, out var compilation);
            if (plan is null)
                return status;
            if (compilation!.Tune is not { } space)
                return Fail(CliApp.RecipeErrors, $"{SafeText.Quote(recipe)} has no 'tune' section, so there is nothing to search; add one, e.g. 'tune budget wbits 4.5 {{' … 'wbits linear choices 8 4 per-block per-op' … '}}' (docs/tune.md)");
            if (space.Groups.Count == 0)
                return Fail(CliApp.RecipeErrors, $"the 'tune' section of {SafeText.Quote(recipe)} selects no cell, so there is nothing to search");
            TuneBudget? budget = space.Budget;
            if (budgetText is not null && (budget = BudgetOption.Parse(budgetText, out var problem)) is null)
                return Fail(CliApp.UsageError, SafeText.Escape(problem!));
            if (budget is null)
                return Fail(CliApp.UsageError, "no budget: give --budget KIND=VALUE (e.g. --budget wbits=4.5) or 'budget' in the tune section");
            var seeds = seedOption ?? space.Seeds ?? DefaultSeeds;
            var validate = validateOption ?? space.Validate ?? DefaultValidation;
            if (seeds < 1 || seeds > TuneEvaluator.ValidationFirstSample)
                return Fail(CliApp.UsageError, $"--seeds {seeds}: expected 1..{TuneEvaluator.ValidationFirstSample}");
            if (validate is < 0 or 1 || validate > 1_000_000)
                return Fail(CliApp.UsageError, $"--validate {validate}: expected 0 (no validation) or 2..1000000 samples");
            if (refine < 0)
                return Fail(CliApp.UsageError, $"--refine {refine}: expected 0 or more evaluations");
            var name = nameOption ?? plan.Name + "Tuned";
            if (!Identifier().IsMatch(name))
                return Fail(CliApp.UsageError, $"--name {SafeText.Quote(name)}: a recipe name is a C# identifier (letters, digits, '_', not starting with a digit)");
            ShardSpec? shard = null;
            if (shardText is not null && (shard = ShardSpec.Parse(shardText, null, _ => null, out var shardProblem)) is null)
                return Fail(CliApp.UsageError, SafeText.Escape(shardProblem!));
            if (ModelCatalog.BundledWeights(plan.Model.Name) is not { } weightsFile || !plan.Model.Equals(ModelCatalog.FashionMnist))
                return Fail(CliApp.RecipeErrors, $"tune measures candidates with the bundled model's weights and classifier; {plan.Model.Name} is not the bundled {ModelCatalog.FashionMnist.Name}");
            if (TuneCost.Limit(budget, plan) is not { } limit)
                return Fail(CliApp.RecipeErrors, $"budget {budget}: the base recipe runs no cell in SC, so there are no SC bit operations to budget");
            var tuneBase = new TuneBase(recipe, RecipeFiles.Read(recipe, error)!, compilation);
            var kind = TuneBudget.KindName(budget.Kind);
            var cheapest = Candidate.Of(tuneBase, space.Groups.Select(g => g.Choices.Count - 1).ToArray()).Cost[kind];
            if (cheapest > limit * (1 + 1e-9))
                return Fail(CliApp.RecipeErrors, string.Create(CultureInfo.InvariantCulture,
                    $"budget {budget} (limit {limit:0.###} {kind}) is below the cheapest configuration of the search space: every group at its last choice costs {cheapest:0.###} {kind}"));
            try
            {
                Directory.CreateDirectory(outDir);
                using var weights = DitWeights.Load(BundledAssets.Locate(weightsFile), plan.Model, CpuBackend.Instance);
                using var judge = BundledClassifier.Open();
                var logName = shard is null ? TuneLog.FileName : $"tune-shard-{shard.Index}-of-{shard.Count}.jsonl";
                using var log = new TuneLog(outDir, logName);
                output.WriteLine($"{plan.Name}: {space.Groups.Count} groups, budget {budget} (limit {limit.ToString("0.###", CultureInfo.InvariantCulture)} {kind}); {log.Loaded} logged evaluations in {SafeText.Quote(outDir)}"
                    + (log.Unreadable > 0 ? $", {log.Unreadable} unreadable lines skipped" : string.Empty));
                var evaluator = new TuneEvaluator(plan, weights, judge, ComputeDevices.Cpu, cancellation);
                var stages = new TuneStages(tuneBase, log, evaluator, seeds, output);
                var run = new TuneRun(tuneBase, stages, output);
                if (shard is not null)
                {
                    var mine = run.SensitivityConfigurations().Where((_, i) => i % shard.Count == shard.Index).ToList();
                    run.Sensitivity(mine);
                    output.WriteLine($"shard {shard.Index}/{shard.Count}: {mine.Count} sensitivity configurations ({stages.Evaluated} evaluated, {stages.Reused} already logged) in {SafeText.Quote(log.Path)}; run without --shard on the same --out to search");
                    return 0;
                }
                var outcome = run.Search(budget, limit, refine, validate);
                var outputs = new TuneOutputs(tuneBase, stages, outDir, seeds);
                var recipePath = outputs.WriteRecipe(outcome, name);
                log.Consolidate();
                var search = log.Entries.Where(e => e.Stage == TuneStages.SearchStage && e.Samples == seeds).ToList();
                outputs.WritePlot(outcome, search);
                outputs.WriteReports(outcome, search, recipePath);
                output.WriteLine($"wrote {SafeText.Quote(recipePath)}, tune.jsonl, pareto.png, report.md, report.json in {SafeText.Quote(outDir)}");
                return 0;
            }
            catch (OperationCanceledException)
            {
                return Fail(130, $"tune stopped; rerun the same command to resume from the log in {SafeText.Quote(outDir)}");
            }
            catch (Exception e) when (e is CheckpointException or InvalidDataException)
            {
                return Fail(CliApp.RecipeErrors, SafeText.Escape(e.Message));
            }
        }

        private int Fail(int code, string message)
        {
            error.WriteLine("qrecipe: " + message);
            return code;
        }
    }
}
