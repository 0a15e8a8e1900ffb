using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution.Calibration;

namespace QRecipe.Runtime.Execution;

/// <summary>What one phase of a run will cost: its floating-point work, the time that work takes at a measured rate,
/// and the memory it holds at its peak.</summary>
public sealed record PhaseCost(string Phase, double Flops, double Seconds, double PeakBytes, string? Note = null)
{
    /// <summary>"calibration: ~14 min (1.52 PFLOP at 310 GFLOP/s), memory ≥ 9.8 GiB", or "…: none; why".</summary>
    public string Line(double flopsPerSecond)
    {
        var note = Note is null ? string.Empty : $"; {Note}";
        return Flops == 0
            ? $"{Phase}: none{note}"
            : FormattableString.Invariant($"{Phase}: {Duration(Seconds)} ({Amount(Flops)}FLOP at {flopsPerSecond / 1e9:0} GFLOP/s), memory ≥ {RunMemoryEstimate.Format(PeakBytes)}{note}");
    }

    public static string Duration(double seconds) => seconds switch
    {
        < 1 => "under 1 s",
        < 120 => FormattableString.Invariant($"~{seconds:0} s"),
        < 7200 => FormattableString.Invariant($"~{seconds / 60:0} min"),
        _ => FormattableString.Invariant($"~{seconds / 3600:0.0} h"),
    };

    private static string Amount(double flops) => flops switch
    {
        >= 1e15 => FormattableString.Invariant($"{flops / 1e15:0.00} P"),
        >= 1e12 => FormattableString.Invariant($"{flops / 1e12:0.00} T"),
        _ => FormattableString.Invariant($"{flops / 1e9:0.00} G"),
    };
}

/// <summary>
/// The cost of a recipe run before it starts (docs/cli.md, "Estimate"): every phase's floating-point work counted from
/// the plan and the model's shapes, turned into time at one measured rate (<see cref="ThroughputProbe"/>, a DiT-shaped
/// GEMM on the run's backend), with the peak memory of <see cref="RunMemoryEstimate"/> plus what the phase keeps.
/// <list type="bullet">
/// <item>calibration: the float forwards of every pass (every calibration sample up to the last selected step), the GPTQ
/// Hessian updates at the selected steps (n(n+1) flops per row), and DiTAS α searches (two products per α over the
/// at most 2^20 kept inputs per layer);</item>
/// <item>quantization: GPTQ per layer (float64 factorisation and inverse, n³, and the column updates, out·n²);
/// round-to-nearest and the other quantizers are linear in the weights and not counted;</item>
/// <item>sampling: every forward of every chunk; three times with <c>--compare-fp</c> (each operator twice, and the float
/// run). Exact SC cells run integer kernels, not GEMMs, and take longer than this.</item>
/// </list>
/// Everything runs at the GEMM rate, so the times are what the run would take if all its work were as fast as its
/// GEMMs: a lower bound, close for float and fake-quantized phases, which are GEMM-bound.
/// </summary>
public static class RunCostEstimate
{
    public const string Calibration = "calibration";
    public const string Quantization = "quantization";
    public const string Sampling = "sampling";

    public static IReadOnlyList<PhaseCost> For(RecipePlan plan, long samples, bool compareFloat, int chunk, double flopsPerSecond)
    {
        if (!(flopsPerSecond > 0) || double.IsInfinity(flopsPerSecond))
            throw new ArgumentOutOfRangeException(nameof(flopsPerSecond), flopsPerSecond, "must be positive and finite");
        var model = plan.Model;
        var guided = plan.Sampler.Cfg == 1 ? 1.0 : 2.0;
        var forward = ForwardFlops(model) * guided;
        var needs = new CalibrationNeeds(plan);
        var oneCopy = RunMemoryEstimate.For(model, samples, false, chunk).WeightBytes;

        var calibration = new PhaseCost(Calibration, 0, 0, 0, needs.Any ? null : "the recipe needs no calibration statistics");
        // S's lower triangle: the part the updates write, hence the part the system backs with memory until GPTQ mirrors it.
        var hessianBytes = 0.0;
        if (needs.Any && plan.Calibration is { } spec)
        {
            var passes = needs.AnySmoothing && needs.AnyRangeOrHessian ? 2 : 1;
            var flops = passes * (double)spec.Samples * (spec.Steps.Max() + 1) * forward; // each batch stops after its last observed step
            var searchFloats = 0.0;
            foreach (var (block, op) in Slots(plan))
            {
                foreach (var (inputs, outputs, rowsPerSample) in Layers(model, op))
                {
                    if (needs.Hessian(block, op))
                    {
                        flops += spec.Steps.Count * (double)spec.Samples * guided * rowsPerSample * inputs * (inputs + 1.0);
                        hessianBytes += inputs * (inputs + 1.0) / 2 * sizeof(double);
                    }
                    if (needs.SearchInputs(block, op) && plan.Smoothing[plan.Slot(block, op)].Search is { } search)
                    {
                        var alphas = Math.Floor((search.To - search.From) / search.Step + 1e-9) + 1;
                        flops += (alphas + 1) * 2.0 * SearchInputs.FloatsPerLayer * outputs;
                        searchFloats += SearchInputs.FloatsPerLayer;
                    }
                }
            }
            // The float weights once (nothing is quantized yet), one calibration batch's forward, the statistics.
            var peak = RunMemoryEstimate.For(model, spec.Batch, false).TotalBytes + hessianBytes + searchFloats * sizeof(float);
            calibration = new PhaseCost(Calibration, flops, flops / flopsPerSecond, peak);
        }

        var gptqFlops = 0.0;
        var gptqWork = 0.0;
        foreach (var (block, op) in Slots(plan))
        {
            if (!needs.Hessian(block, op))
                continue;
            foreach (var (inputs, outputs, _) in Layers(model, op))
            {
                gptqFlops += (double)inputs * inputs * inputs + (double)outputs * inputs * inputs;
                gptqWork = Math.Max(gptqWork, GptqLayerBytes(inputs, outputs));
            }
        }
        // One GPTQ layer's work beside the weights and the statistics not yet used up: at the first layer, one copy of
        // the weights and every S; at the last, no S and, with --compare-fp (which keeps the float weights), two copies.
        var quantizationPeak = Math.Max(oneCopy + hessianBytes, (compareFloat ? 2 : 1) * oneCopy) + gptqWork;
        var quantization = new PhaseCost(Quantization, gptqFlops, gptqFlops / flopsPerSecond, quantizationPeak,
            gptqFlops == 0 ? "no gptq layer; the other quantizers are linear in the weights" : null);

        var samplingFlops = samples * (double)plan.Steps * forward * (compareFloat ? 3 : 1);
        var anySc = plan.Palette.Any(cell => cell.Sc.Enabled);
        var sampling = new PhaseCost(Sampling, samplingFlops, samplingFlops / flopsPerSecond,
            RunMemoryEstimate.For(model, samples, compareFloat, chunk).TotalBytes, anySc ? "SC cells take longer than their GEMMs" : null);
        return [calibration, quantization, sampling];
    }

    /// <summary>What GPTQ of one layer holds beside the statistics of the others: its H (S mirrored to the full
    /// square) and the triangular inverse (float64 n² each), U as float32, and Wᵀ, the codes and the dequantized weight
    /// (outputs × n each, 4 bytes); the lower triangle already counted with the statistics is taken off.</summary>
    private static double GptqLayerBytes(double inputs, double outputs) =>
        2 * inputs * inputs * sizeof(double) - inputs * (inputs + 1) / 2 * sizeof(double) + inputs * inputs * sizeof(float) + 3 * outputs * inputs * sizeof(float);

    /// <summary>Flops of one unguided forward of one sample: patch embedding, timestep MLP, per block adaLN, qkv, the
    /// two attention products, proj, fc1 and fc2, and the final layer.</summary>
    public static double ForwardFlops(ModelSpec model)
    {
        double d = model.Hidden, t = model.Tokens, p2 = model.PatchSize * model.PatchSize;
        var embed = 2 * t * model.InChannels * p2 * d + 2 * (DitWeights.FrequencySize * d + d * d);
        var block = 2 * d * 6 * d + 2 * t * 12 * d * d + 4 * t * t * d;
        var final = 2 * d * 2 * d + 2 * t * d * p2 * model.OutChannels;
        return embed + model.Depth * block + final;
    }

    private static IEnumerable<(int Block, Operator Op)> Slots(RecipePlan plan)
    {
        for (var block = 0; block < plan.Model.Depth; block++)
        {
            foreach (var op in Operators.PerBlock)
                yield return (block, op);
        }
        foreach (var op in Operators.Global)
            yield return (-1, op);
    }

    /// <summary>The linear layers behind a plan slot: (inputs, outputs, rows per sample).</summary>
    private static IEnumerable<(int Inputs, int Outputs, int RowsPerSample)> Layers(ModelSpec model, Operator op)
    {
        int d = model.Hidden, t = model.Tokens, p2 = model.PatchSize * model.PatchSize;
        return op switch
        {
            Operator.Qkv => [(d, 3 * d, t)],
            Operator.Proj => [(d, d, t)],
            Operator.Fc1 => [(d, 4 * d, t)],
            Operator.Fc2 => [(4 * d, d, t)],
            Operator.AdaLN => [(d, 6 * d, 1)],
            Operator.Embed => [(model.InChannels * p2, d, t), (DitWeights.FrequencySize, d, 1), (d, d, 1)],
            Operator.Final => [(d, 2 * d, 1), (d, p2 * model.OutChannels, t)],
            _ => [],
        };
    }

    /// <summary>The lines a run prints before it starts.</summary>
    public static IEnumerable<string> Lines(IReadOnlyList<PhaseCost> phases, double flopsPerSecond) =>
        phases.Select(phase => "estimate: " + phase.Line(flopsPerSecond));
}
