using QRecipe.Plan;
using QRecipe.Plan.Models;
using static QRecipe.Generator.Emit.Escaping;

namespace QRecipe.Generator.Emit;

/// <summary>
/// Writes the members that run a recipe, for projects that reference QRecipe.Runtime (<see cref="RuntimeReference"/>):
/// <c>Run</c> on weights the settings name or on weights the caller owns, returning the runtime's <c>RunResult</c>, and
/// for a model whose weights ship with QRecipe, <c>BundledSettings</c>. Projects without the runtime get none of them,
/// so the generated class never names a type the project cannot see.
/// </summary>
internal static class PipelineEmitter
{
    private const string Execution = "global::QRecipe.Runtime.Execution.";
    private const string Devices = "global::QRecipe.Runtime.Devices.";

    public static void Write(SourceWriter writer, RecipePlan? plan, bool modernSyntax)
    {
        var nullable = modernSyntax ? "?" : string.Empty;
        var optional = Devices + "IComputeDevice" + nullable + " device = null, global::System.IProgress<" + Execution + "RunProgress>" + nullable
            + " progress = null, global::System.Threading.CancellationToken cancellation = default";
        var device = "device ?? " + Devices + "ComputeDevices.Cpu";

        writer.Line("/// <summary>Samples with this recipe on <paramref name=\"device\"/> (the CPU when null) on the weights");
        writer.Line("/// <paramref name=\"settings\"/> names: a checkpoint, or seeded synthetic weights.</summary>");
        writer.Line("public static " + Execution + "RunResult Run(" + Execution + "RunSettings settings, " + optional + ") =>");
        writer.Line("    " + Execution + "RecipeRunner.Run(Plan, settings, " + device + ", progress, cancellation);");
        writer.Line();
        writer.Line("/// <summary>Samples with this recipe on weights the caller owns (they are not changed); the weights");
        writer.Line("/// <paramref name=\"settings\"/> names are not used.</summary>");
        writer.Line("public static " + Execution + "RunResult Run(global::QRecipe.Runtime.Dit.DitWeights weights, " + Execution + "RunSettings settings, " + optional + ") =>");
        writer.Line("    " + Execution + "RecipeRunner.Run(Plan, settings, weights, " + device + ", progress, cancellation);");
        writer.Line();

        if (plan is null || ModelCatalog.BundledWeights(plan.Model.Name) is not { } bundled)
            return;
        writer.Line("/// <summary>Settings for <paramref name=\"samples\"/> samples on the " + DocText(plan.Model.Name) + " weights that ship with QRecipe");
        writer.Line("/// (<c>models/" + DocText(bundled) + "</c> next to the application), seeded by the recipe's sampler seed;");
        writer.Line("/// <paramref name=\"labels\"/> holds one class per sample (null draws them from the seed).</summary>");
        writer.Line("public static " + Execution + "RunSettings BundledSettings(int samples, int[]" + nullable + " labels = null) =>");
        writer.Line("    new " + Execution + "RunSettings(samples, labels, unchecked((ulong)Plan.Sampler.Seed), global::QRecipe.Runtime.Bundled.BundledAssets.Locate("
            + StringLiteral(bundled) + "), 0UL, false);");
        writer.Line();
    }
}
