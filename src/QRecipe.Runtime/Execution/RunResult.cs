using System;
using System.Collections.Generic;
using QRecipe.Plan;
using QRecipe.Runtime.Execution.Smoothing;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Runtime.Execution;

/// <summary>Wall-clock time of each phase of a run.</summary>
public sealed record PhaseTimes(TimeSpan Weights, TimeSpan Quantization, TimeSpan Sampling, TimeSpan FloatSampling);

/// <summary>What a run produced and measured.</summary>
public sealed class RunResult
{
    public required RecipePlan Plan { get; init; }

    public required int[] Labels { get; init; }

    /// <summary>Final latents [N, C, L, L] of the recipe.</summary>
    public required float[] Latents { get; init; }

    /// <summary>Final latents of the float model from the same noise; null without fidelity measurement.</summary>
    public float[]? FloatLatents { get; init; }

    /// <summary>‖latents − float latents‖ / ‖float latents‖; null without fidelity measurement.</summary>
    public double? FinalRelativeError { get; init; }

    /// <summary>Per step, block and operator, the relative error of the operator's output against floating point on
    /// the same input; null without fidelity measurement.</summary>
    public OperatorErrors? OperatorErrors { get; init; }

    public required IReadOnlyList<WeightQuantReport> WeightReports { get; init; }

    /// <summary>The α smoothing used per smoothed layer (chosen by search or given by the recipe).</summary>
    public required IReadOnlyList<SmoothingReport> SmoothingReports { get; init; }

    /// <summary>The plan's static SC budget (mean stream × MACs per sample).</summary>
    public required PlanBudget Budget { get; init; }

    /// <summary>SC stream work the run actually spent, per operator, against full-length streams.</summary>
    public required ScComputeReport ScCompute { get; init; }

    /// <summary>Per (step, block, operator) error of the cells with SC <c>debug</c> on; empty when none has it.</summary>
    public required IReadOnlyList<ScDebugRecord> ScDebug { get; init; }

    public required PhaseTimes Times { get; init; }

    /// <summary>"checkpoint PATH" or "synthetic weights, seed S".</summary>
    public required string WeightSource { get; init; }
}
