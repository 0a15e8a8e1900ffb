using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>
/// The static budget (<see cref="ScSetting.MeanStream"/>, what <c>check</c>, <c>explain</c> and the heatmap show)
/// against the stream work the runtime books for a call, on every mixed-precision cell of the bundled recipes. The
/// operands give whole unit counts per level (no rounding) and metrics that rank units by their position inside a
/// head before their head, so every head gets each level in its fraction: the case the static figure describes. The
/// measured mean is the runtime's own count (<see cref="ScComputeReport"/>), not derived from the budget code.
/// </summary>
public sealed class MixedPrecisionBudgetTests
{
    public static TheoryData<string> BundledRecipesWithMixedPrecision() => new(RecipesWithMixedPrecision());

    private static string[] RecipesWithMixedPrecision() =>
        Directory.GetFiles(RecipesFolder(), "*.qrecipe").Where(file => MixedPrecisionCells(Compile(file)).Any())
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void Three_bundled_recipes_use_mixed_precision()
    {
        Assert.Equal(new[] { "dit_w4a8_sc.qrecipe", "fmnist_sc_mp.qrecipe", "sc_everywhere_mp.qrecipe" }, RecipesWithMixedPrecision());
    }

    [Theory]
    [MemberData(nameof(BundledRecipesWithMixedPrecision))]
    public void Static_mean_stream_equals_the_measured_one_on_every_mixed_precision_cell(string recipe)
    {
        var plan = Compile(Path.Combine(RecipesFolder(), recipe));
        foreach (var (step, block, op, sc) in MixedPrecisionCells(plan))
        {
            var products = new ScCellProducts(plan, 1, ScEngineAccumulators.Instance, ScEngineSurrogate.Instance);
            var site = new LayerSite(block, op, $"blocks.{block}.{op}");
            var units = WholeUnits(sc.MixedPrecision!.Fractions);
            if (Operators.HasHeads(op))
                RunAttention(products, sc, step, site, plan.Model.Heads, units);
            else
                RunLinear(products, sc, step, site, units);
            var measured = products.Compute().Operators.Single(o => o.Operator == op);
            var measuredMean = (double)measured.StreamMacs / measured.FullLengthStreamMacs * sc.FullStream;
            Assert.True(Math.Abs(sc.MeanStream - measuredMean) < 1e-9,
                $"{recipe}: {op} at step {step}, block {block}: static mean L {sc.MeanStream}, measured {measuredMean}");
        }
    }

    /// <summary>The smallest unit count that gives every level a whole number of units.</summary>
    private static int WholeUnits(EquatableArray<double> fractions) =>
        Enumerable.Range(1, 1000).First(n => fractions.All(f => Math.Abs(f * n - Math.Round(f * n)) < 1e-9));

    /// <summary>qk ranks (sample, head) slices by max |Q|, av the rows of the attention matrix by their largest value:
    /// unit u of head h gets metric 1 + u + h / (heads + 1), so units rank by u first and each head gets every level in
    /// its fraction.</summary>
    private static void RunAttention(ScCellProducts products, ScSetting sc, int step, LayerSite site, int heads, int units)
    {
        const int d = 4, m = 4;
        var qk = site.Operator == Operator.Qk;
        var (slices, n) = qk ? (units * heads, 2) : (heads, units);
        var a = new float[slices * n * d];
        for (var s = 0; s < slices; s++)
        {
            for (var r = 0; r < n; r++)
            {
                var unit = qk ? s / heads : r;
                a[(s * n + r) * d] = 1 + unit + (float)(s % heads) / (heads + 1);
                for (var k = 1; k < d; k++)
                    a[(s * n + r) * d + k] = 0.1f * k;
            }
        }
        var b = Enumerable.Range(0, slices * m * d).Select(i => 0.5f - 0.01f * (i % 97)).ToArray();
        products.Attention(sc, step, site, a, b, slices, heads, n, m, d, new float[slices * n * m]);
    }

    /// <summary>Linear layers rank token rows by max |x|: row r gets r + 1.</summary>
    private static void RunLinear(ScCellProducts products, ScSetting sc, int step, LayerSite site, int rows)
    {
        const int cols = 8;
        var outFeatures = 4 * Math.Max(1, sc.GroupStreams.Count);
        var x = new float[rows * cols];
        for (var r = 0; r < rows; r++)
        {
            for (var k = 0; k < cols; k++)
                x[r * cols + k] = k == 0 ? r + 1 : 0.1f * k;
        }
        using var weight = Tensor.From(Enumerable.Range(0, outFeatures * cols).Select(i => 0.5f - 0.01f * (i % 89)).ToArray(), outFeatures, cols);
        products.Linear(sc, step, site, x, rows, weight, outFeatures, cols, new float[rows * outFeatures]);
    }

    /// <summary>One (step, block) cell per distinct SC setting with mixed precision, per operator.</summary>
    private static IEnumerable<(int Step, int Block, Operator Op, ScSetting Sc)> MixedPrecisionCells(RecipePlan plan)
    {
        foreach (var op in Operators.PerBlock)
        {
            var seen = new HashSet<ScSetting>();
            for (var step = 0; step < plan.Steps; step++)
            {
                for (var block = 0; block < plan.Depth; block++)
                {
                    var sc = plan.Get(new Step(step), new Block(block), op).Sc;
                    if (sc.Enabled && sc.MixedPrecision is not null && seen.Add(sc))
                        yield return (step, block, op, sc);
                }
            }
        }
    }

    private static RecipePlan Compile(string file)
    {
        var compilation = RecipeCompiler.Compile(File.ReadAllText(file), file);
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    private static string RecipesFolder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "QRecipe.sln")))
            directory = directory.Parent;
        return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("no QRecipe.sln above the test binaries"), "recipes");
    }
}
