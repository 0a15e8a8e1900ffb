using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan;

namespace QRecipe.Cli.Heatmap;

/// <summary>One colour and label per (block, operator) for a run of steps whose settings are all the same.</summary>
internal sealed record HeatmapPanel(int FirstStep, int LastStep, HeatmapCell[,] Cells);

/// <summary>A cell: SC cells are coloured by mean stream length relative to the full 2^P, others by weight bits.</summary>
internal sealed record HeatmapCell(string Label, byte Red, byte Green, byte Blue);

/// <summary>Blocks × operators of a plan, one panel per distinct step range: what <c>qrecipe explain</c> draws.</summary>
internal static class PlanHeatmap
{
    public static IReadOnlyList<HeatmapPanel> Build(RecipePlan plan)
    {
        var panels = new List<HeatmapPanel>();
        var first = 0;
        for (var step = 1; step <= plan.Steps; step++)
        {
            if (step < plan.Steps && SameStep(plan, first, step))
                continue;
            panels.Add(new HeatmapPanel(first, step - 1, Cells(plan, first)));
            first = step;
        }
        return panels;
    }

    private static bool SameStep(RecipePlan plan, int a, int b)
    {
        for (var slot = 0; slot < plan.SlotsPerStep; slot++)
        {
            if (!plan.Palette[plan.Cells[a * plan.SlotsPerStep + slot]].Equals(plan.Palette[plan.Cells[b * plan.SlotsPerStep + slot]]))
                return false;
        }
        return true;
    }

    private static HeatmapCell[,] Cells(RecipePlan plan, int step)
    {
        var cells = new HeatmapCell[plan.Depth, Operators.PerBlockCount];
        for (var block = 0; block < plan.Depth; block++)
        {
            for (var column = 0; column < Operators.PerBlockCount; column++)
                cells[block, column] = Cell(plan.Get(new Step(step), new Block(block), Operators.PerBlock[column]), Operators.PerBlock[column]);
        }
        return cells;
    }

    internal static HeatmapCell Cell(OpSetting setting, Operator op)
    {
        if (setting.Sc.Enabled)
        {
            var label = setting.Sc.HeadStreams.IsEmpty && setting.Sc.GroupStreams.IsEmpty && setting.Sc.MixedPrecision is null && setting.Sc.Range is null
                ? $"L{setting.Sc.Stream}"
                : setting.Sc.MeanStreamIsBound ? $"L<={setting.Sc.MeanStream:0}" : $"L~{setting.Sc.MeanStream:0}";
            return ScCell(label, setting.Sc.MeanStream / setting.Sc.FullStream);
        }
        var bits = Operators.HasWeights(op) ? setting.Weights.Bits : setting.Activations.Bits;
        if (bits == 0)
            return BitsCell("fp", 0);
        var text = Operators.HasWeights(op) ? $"W{setting.Weights.Bits}A{Bits(setting.Activations)}" : $"A{Bits(setting.Activations)}";
        return BitsCell(text, bits);
    }

    /// <summary>Colour samples with their meaning, for the picture's legend.</summary>
    public static IReadOnlyList<(HeatmapCell Cell, string Meaning)> Legend { get; } = new[]
    {
        (BitsCell("fp", 0), "float"),
        (BitsCell("W8A8", 8), "8-bit weights"),
        (BitsCell("W4A8", 4), "4-bit weights"),
        (ScCell("L256", 1), "SC, full stream"),
        (ScCell("L64", 0.25), "SC, 1/4 stream"),
    };

    // Blue, darker for longer streams: white at 0, full blue at 2^P.
    private static HeatmapCell ScCell(string label, double share)
    {
        var light = (byte)(235 - 200 * share);
        return new HeatmapCell(label, light, light, 255);
    }

    // Orange, darker for fewer bits: 8 bits light, 2 bits dark; float is near-white grey.
    private static HeatmapCell BitsCell(string label, int bits)
    {
        if (bits == 0)
            return new HeatmapCell(label, 245, 245, 245);
        var shade = (byte)(90 + 20 * bits);
        return new HeatmapCell(label, 255, shade, (byte)(shade / 3));
    }

    private static string Bits(ActivationQuant quant) => quant.IsFloat ? "fp" : quant.Bits.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Title(HeatmapPanel panel) =>
        panel.FirstStep == panel.LastStep ? $"step {panel.FirstStep}" : $"steps {panel.FirstStep}..{panel.LastStep}";

    public static string[] Columns => Operators.PerBlock.Select(Operators.Name).ToArray();
}
