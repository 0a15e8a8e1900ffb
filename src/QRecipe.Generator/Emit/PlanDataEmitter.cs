using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan;
using static QRecipe.Generator.Emit.Escaping;
using static QRecipe.Generator.Emit.Literals;

namespace QRecipe.Generator.Emit;

/// <summary>
/// Writes the <c>CreatePlan</c> method that rebuilds a <see cref="RecipePlan"/> from literals: no parsing at run
/// time. Runs once, when the class's <c>Plan</c> is first used.
/// </summary>
internal static class PlanDataEmitter
{
    public static void Write(SourceWriter writer, RecipePlan plan)
    {
        writer.Line("private static " + PlanNamespace + "RecipePlan CreatePlan()");
        writer.OpenBrace();
        writer.Line("var palette = new " + PlanNamespace + "OpSetting[]");
        writer.OpenBrace();
        // One line per part, so a snapshot diff shows which part of a setting changed.
        foreach (var setting in plan.Palette)
        {
            writer.Line("new " + PlanNamespace + "OpSetting(");
            writer.Line("    " + Weights(setting.Weights) + ",");
            writer.Line("    " + Activations(setting.Activations) + ",");
            writer.Line("    " + Sc(setting.Sc) + "),");
        }
        writer.CloseBrace(";");

        var smoothingPalette = plan.Smoothing.Distinct().ToList();
        writer.Line("var smoothingPalette = new " + PlanNamespace + "SmoothSetting[]");
        writer.OpenBrace();
        foreach (var setting in smoothingPalette)
            writer.Line(Smooth(setting) + ",");
        writer.CloseBrace(";");

        WriteCells(writer, plan);
        writer.Line("// Smoothing palette index per slot: one block per line, then embed and final.");
        WriteArray(writer, "smoothingOfSlot", plan.Smoothing.Select(s => smoothingPalette.IndexOf(s)).ToList(), Operators.PerBlockCount);
        writer.Line("return new " + PlanNamespace + "RecipePlan(");
        writer.Indent++;
        writer.Line("Name,");
        writer.Line("Description,");
        writer.Line(Model(plan.Model) + ",");
        writer.Line(Sampler(plan.Sampler) + ",");
        writer.Line(plan.Calibration is null ? "null," : Calibration(plan.Calibration) + ",");
        writer.Line("new " + PlanNamespace + "EquatableArray<" + PlanNamespace + "OpSetting>(palette),");
        writer.Line("new " + PlanNamespace + "EquatableArray<int>(cells),");
        writer.Line("new " + PlanNamespace + "EquatableArray<" + PlanNamespace + "SmoothSetting>(global::System.Array.ConvertAll(smoothingOfSlot, index => smoothingPalette[index])));");
        writer.Indent--;
        writer.CloseBrace();
    }

    /// <summary>
    /// Cells as a two-level table: distinct per-block patterns (one palette index per block operator), distinct
    /// step rows (a pattern per block, then the palette indices of the global operators), and a row per step.
    /// Recipes change settings by block range and step range, so a 50-step DiT-XL/2 plan (9,900 cells) usually
    /// needs a handful of patterns and rows.
    /// </summary>
    private static void WriteCells(SourceWriter writer, RecipePlan plan)
    {
        var perBlock = Operators.PerBlockCount;
        var globals = Operators.Global.Count;
        var rowLength = plan.Depth + globals;
        var patterns = new List<string>();
        var patternValues = new List<int>();
        var rows = new List<string>();
        var rowValues = new List<int>();
        var stepRows = new List<int>();
        for (var step = 0; step < plan.Steps; step++)
        {
            var offset = step * plan.SlotsPerStep;
            var row = new int[rowLength];
            for (var block = 0; block < plan.Depth; block++)
            {
                var pattern = Enumerable.Range(offset + block * perBlock, perBlock).Select(i => plan.Cells[i]).ToArray();
                row[block] = IndexOf(patterns, patternValues, pattern);
            }
            for (var g = 0; g < globals; g++)
                row[plan.Depth + g] = plan.Cells[offset + plan.Depth * perBlock + g];
            stepRows.Add(IndexOf(rows, rowValues, row));
        }

        writer.Line("// Palette indices of the block operators (qkv, qk, av, proj, fc1, fc2, adaln), one pattern per line.");
        WriteArray(writer, "blockPatterns", patternValues, perBlock);
        writer.Line("// Per distinct step: the pattern of each block, then the palette indices of embed and final.");
        WriteArray(writer, "stepRows", rowValues, rowLength);
        WriteArray(writer, "rowOfStep", stepRows, 25);
        writer.Line("var cells = new int[" + Int(plan.Cells.Count) + "];");
        writer.Line("for (var step = 0; step < " + Int(plan.Steps) + "; step++)");
        writer.OpenBrace();
        writer.Line("var row = rowOfStep[step] * " + Int(rowLength) + ";");
        writer.Line("var offset = step * " + Int(plan.SlotsPerStep) + ";");
        writer.Line("for (var block = 0; block < " + Int(plan.Depth) + "; block++)");
        writer.Line("    global::System.Array.Copy(blockPatterns, stepRows[row + block] * " + Int(perBlock) + ", cells, offset + block * " + Int(perBlock) + ", " + Int(perBlock) + ");");
        writer.Line("for (var op = 0; op < " + Int(globals) + "; op++)");
        writer.Line("    cells[offset + " + Int(plan.Depth * perBlock) + " + op] = stepRows[row + " + Int(plan.Depth) + " + op];");
        writer.CloseBrace();
    }

    private static int IndexOf(List<string> keys, List<int> values, int[] item)
    {
        var key = string.Join(",", item);
        var index = keys.IndexOf(key);
        if (index >= 0)
            return index;
        keys.Add(key);
        values.AddRange(item);
        return keys.Count - 1;
    }

    private static void WriteArray(SourceWriter writer, string name, IReadOnlyList<int> values, int perLine)
    {
        writer.Line("int[] " + name + " =");
        writer.OpenBrace();
        foreach (var line in Chunk(values.Select(Int), perLine))
            writer.Line(line);
        writer.CloseBrace(";");
    }

    private static IEnumerable<string> Chunk(IEnumerable<string> items, int perLine)
    {
        var list = items.ToList();
        for (var i = 0; i < list.Count; i += perLine)
            yield return string.Join(", ", list.Skip(i).Take(perLine)) + ",";
    }

    private static string Weights(WeightQuant weights) => weights.Equals(WeightQuant.Float)
        ? PlanNamespace + "WeightQuant.Float"
        : "new " + PlanNamespace + "WeightQuant(" + Int(weights.Bits) + ", " + Enum(weights.Granularity) + ", " + Int(weights.GroupSize) + ", "
            + Bool(weights.Symmetric) + ", " + Enum(weights.Method) + ")";

    private static string Activations(ActivationQuant activations) => activations.Equals(ActivationQuant.Float)
        ? PlanNamespace + "ActivationQuant.Float"
        : "new " + PlanNamespace + "ActivationQuant(" + Int(activations.Bits) + ", " + Enum(activations.Granularity) + ", " + Int(activations.GroupSize) + ", "
            + Bool(activations.Symmetric) + ", " + Bool(activations.Static) + ")";

    private static string Sc(ScSetting sc) => sc.Equals(ScSetting.Off)
        ? PlanNamespace + "ScSetting.Off"
        : "new " + PlanNamespace + "ScSetting(" + Bool(sc.Enabled) + ", " + Int(sc.Precision) + ", " + Int(sc.Stream) + ", "
            + Ints(sc.HeadStreams) + ", " + Ints(sc.GroupStreams) + ", " + MixedPrecision(sc.MixedPrecision) + ", " + Enum(sc.Kernel) + ", "
            + Enum(sc.Scramble) + ", " + Long(sc.ScrambleSeed) + ", " + Enum(sc.Mode) + ", " + Bool(sc.Halve) + ", " + Int(sc.Chunk) + ", "
            + Noise(sc.Noise) + ", " + Bool(sc.Debug) + Range(sc.Range) + ")";

    private static string MixedPrecision(MixedPrecision? mp) => mp is null
        ? "null"
        : "new " + PlanNamespace + "MixedPrecision(" + Ints(mp.Levels) + ", " + Doubles(mp.Fractions)
            + (mp.Adaptive is { } adaptive ? ", new " + PlanNamespace + "AdaptiveThreshold(" + Double(adaptive.Alpha) + ", " + Double(adaptive.Beta) + ")" : string.Empty) + ")";

    /// <summary>The optional last argument of a setting with range mixed precision (none without).</summary>
    private static string Range(RangeMixedPrecision? range) => range is null
        ? string.Empty
        : ", new " + PlanNamespace + "RangeMixedPrecision(" + Ints(range.Levels) + ", " + Double(range.Threshold) + ", " + Int(range.GroupSize) + ")";

    private static string Noise(NoiseModel? noise) => noise is null
        ? "null"
        : "new " + PlanNamespace + "NoiseModel(" + Double(noise.Local) + ", " + Double(noise.Global) + ")";

    private static string Smooth(SmoothSetting smooth) => smooth.Equals(SmoothSetting.None)
        ? PlanNamespace + "SmoothSetting.None"
        : "new " + PlanNamespace + "SmoothSetting(" + Enum(smooth.Method) + ", " + Double(smooth.Alpha) + ", "
            + (smooth.Search is null ? "null" : "new " + PlanNamespace + "AlphaSearch(" + Double(smooth.Search.From) + ", " + Double(smooth.Search.To) + ", " + Double(smooth.Search.Step) + ")")
            + ", "
            + (smooth.LowRank is null ? "null" : "new " + PlanNamespace + "LowRank(" + Int(smooth.LowRank.Rank) + ", " + Int(smooth.LowRank.Iterations) + ")")
            + ")";

    private static string Model(ModelSpec model) =>
        "new " + PlanNamespace + "ModelSpec(" + StringLiteral(model.Name) + ", " + Int(model.Depth) + ", " + Int(model.Hidden) + ", " + Int(model.Heads) + ", "
        + Int(model.PatchSize) + ", " + Int(model.LatentSize) + ", " + Int(model.NumClasses) + ", " + Int(model.InChannels) + ", " + Bool(model.LearnSigma) + ", " + Bool(model.PixelSpace) + ")";

    private static string Sampler(SamplerSpec sampler) =>
        "new " + PlanNamespace + "SamplerSpec(" + Enum(sampler.Kind) + ", " + Int(sampler.Steps) + ", " + Double(sampler.Cfg) + ", " + Long(sampler.Seed) + ", "
        + Double(sampler.Eta) + ")";

    private static string Calibration(CalibrationSpec calibration) =>
        "new " + PlanNamespace + "CalibrationSpec(" + Int(calibration.Samples) + ", " + Ints(calibration.Steps) + ", " + Int(calibration.Batch) + ")";

    private static string Ints(EquatableArray<int> values) => values.IsEmpty
        ? PlanNamespace + "EquatableArray<int>.Empty"
        : PlanNamespace + "EquatableArray.Create(" + string.Join(", ", values.Select(Int)) + ")";

    private static string Doubles(EquatableArray<double> values) => values.IsEmpty
        ? PlanNamespace + "EquatableArray<double>.Empty"
        : PlanNamespace + "EquatableArray.Create(" + string.Join(", ", values.Select(Double)) + ")";
}
