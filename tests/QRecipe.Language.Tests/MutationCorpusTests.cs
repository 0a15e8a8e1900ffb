using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using QRecipe.Language.Formatting;
using Xunit.Abstractions;

namespace QRecipe.Language.Tests;

/// <summary>Robustness: 10,000 seeded mutants of the example recipes. The compiler must never throw, must explain
/// every missing plan with an error, and must point every diagnostic inside the text with a line and column that
/// agree with its offset. Formatting must not throw either, and must be idempotent whenever it succeeds.</summary>
public sealed class MutationCorpusTests(ITestOutputHelper output)
{
    private const int Mutants = 10_000;
    private const int Seed = 1125;

    [Fact]
    public void Mutated_recipes_never_throw_and_always_explain_themselves()
    {
        var originals = Snippets.RecipeFiles.Select(System.IO.File.ReadAllText).ToArray();
        var failures = new ConcurrentBag<string>();
        var withoutPlan = 0;
        var clock = Stopwatch.StartNew();
        // Each mutant has its own seed, so the corpus is the same however the work is split across cores.
        Parallel.For(0, Mutants, i =>
        {
            var text = new Mutations(Seed + i).Mutate(originals[i % originals.Length]);
            try
            {
                var (problem, hasPlan) = Check(text);
                if (problem is not null)
                    failures.Add($"mutant {i}: {problem}\n--- text (first 2000 chars) ---\n{Shorten(text)}");
                if (!hasPlan)
                    Interlocked.Increment(ref withoutPlan);
            }
            catch (Exception e)
            {
                failures.Add($"mutant {i} threw {e}\n--- text (first 2000 chars) ---\n{Shorten(text)}");
            }
        });
        output.WriteLine($"{Mutants} mutants in {clock.Elapsed.TotalSeconds:F1} s; {withoutPlan} without a plan");
        Assert.True(failures.IsEmpty, string.Join("\n\n", failures.OrderBy(f => f, StringComparer.Ordinal).Take(5)));
        // The corpus is only useful if most mutants are broken.
        Assert.InRange(withoutPlan, Mutants / 2, Mutants);
    }

    private static (string? Problem, bool HasPlan) Check(string text)
    {
        var compilation = RecipeCompiler.Compile(text, "m.qrecipe");
        return (Problem(text, compilation), compilation.Plan is not null);
    }

    private static string? Problem(string text, RecipeCompilation compilation)
    {
        if (compilation.Plan is null && !compilation.HasErrors)
            return "no plan but no error";
        if (compilation.Plan is not null && compilation.HasErrors)
            return "a plan despite errors";
        var lines = Snippets.LineStarts(text);
        var previous = 0;
        foreach (var d in compilation.Diagnostics)
        {
            var span = d.Span;
            if (span.Start < 0 || span.Length < 0 || span.End > text.Length)
                return $"span {span} [{span.Start}, {span.End}) outside the text of length {text.Length}: {d}";
            if ((span.Line, span.Column) != Snippets.Position(lines, span.Start) || (span.EndLine, span.EndColumn) != Snippets.Position(lines, span.End))
                return $"span {span} does not match offsets {span.Start}..{span.End} ({Snippets.Position(lines, span.Start)}-{Snippets.Position(lines, span.End)}): {d}";
            if (span.Start < previous)
                return $"diagnostics out of order at {d}";
            if (d.Path != "m.qrecipe" || string.IsNullOrWhiteSpace(d.Message))
                return $"bad path or message: {d}";
            previous = span.Start;
        }
        var formatted = RecipeFormatter.Format(text);
        if (formatted.Succeeded)
        {
            var again = RecipeFormatter.Format(formatted.Text);
            if (!again.Succeeded)
                return "formatted text does not parse: " + string.Join("; ", again.Errors) + "\n--- formatted ---\n" + Shorten(formatted.Text);
            if (again.Text != formatted.Text)
                return "format is not idempotent:\n--- once ---\n" + Shorten(formatted.Text) + "\n--- twice ---\n" + Shorten(again.Text);
        }
        return null;
    }

    private static string Shorten(string text) => text.Length <= 2000 ? text : text.Substring(0, 2000) + "…";
}
