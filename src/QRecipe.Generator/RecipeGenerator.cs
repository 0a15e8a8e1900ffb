using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using QRecipe.Generator.Emit;
using QRecipe.Generator.Model;
using QRecipe.Plan;

namespace QRecipe.Generator;

/// <summary>
/// Compiles every <c>.qrecipe</c> AdditionalFile into a recipe class. Each file flows through its own steps
/// (Inputs → Models → Sources and Diagnostics), so editing one recipe re-runs only that recipe's steps; only the
/// small registry step sees all recipes. One step reads the C# compilation: whether it references QRecipe.Runtime
/// (then the classes also get members that run them). It yields a bool, so C# edits re-run nothing after it.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class RecipeGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var options = context.AnalyzerConfigOptionsProvider
            .Combine(context.ParseOptionsProvider)
            .Select(static (pair, _) => GeneratorOptions.Read(pair.Left.GlobalOptions, pair.Right))
            .WithTrackingName(TrackingNames.Options);

        var inputs = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(".qrecipe", StringComparison.OrdinalIgnoreCase))
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, cancellationToken) => RecipeInput.Read(pair.Left, pair.Right.GetOptions(pair.Left), cancellationToken))
            .WithTrackingName(TrackingNames.Inputs);

        var models = inputs
            .Combine(options)
            .Select(static (pair, cancellationToken) => RecipeModelBuilder.Build(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.Models);

        var diagnostics = models
            .Select(static (model, _) => model.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (output, list) =>
        {
            foreach (var diagnostic in list)
                output.ReportDiagnostic(DiagnosticReporter.ToRoslyn(diagnostic));
        });

        var runtime = context.CompilationProvider
            .Select(static (compilation, _) => RuntimeReference.IsIn(compilation))
            .WithTrackingName(TrackingNames.Runtime);

        var sources = models
            .Combine(runtime)
            .Select(static (pair, _) => RecipeEmitter.Emit(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.Sources);
        context.RegisterSourceOutput(sources, static (output, file) => output.AddSource(file.HintName, file.Text));

        var registry = models
            .Select(static (model, _) => model.Entry)
            .Collect()
            .Combine(options)
            .Select(static (pair, _) => new RecipeSet(
                pair.Right.Namespace,
                pair.Left.OrderBy(e => e.Namespace, StringComparer.Ordinal)
                    .ThenBy(e => e.ClassName, StringComparer.Ordinal)
                    .ThenBy(e => e.Path, StringComparer.Ordinal)
                    .ToEquatableArray(),
                pair.Right.ModernSyntax))
            .WithTrackingName(TrackingNames.Registry);
        context.RegisterSourceOutput(registry, static (output, set) =>
        {
            foreach (var duplicate in DuplicateNames.Find(set))
                output.ReportDiagnostic(DiagnosticReporter.ToRoslyn(duplicate));
            output.AddSource(RegistryEmitter.HintName, RegistryEmitter.Emit(set));
        });
    }
}
