using System;
using System.Threading;
using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution.Smoothing;

namespace QRecipe.Runtime.Execution.Calibration;

/// <summary>
/// Everything a plan needs before its weights are quantized. Smoothing factors come from statistics of the original
/// model; static ranges and GPTQ Hessians must describe the operands the quantizers see, which smoothing changes
/// (x/s), so with both a second pass runs through the folded model. Without smoothing one pass collects everything.
/// </summary>
public static class Calibrator
{
    public static (CalibrationStatistics? Statistics, SmoothedWeights Smoothed) Prepare(RecipePlan plan, DitWeights weights, ITensorBackend backend,
        IProgress<RunProgress>? progress, CancellationToken cancellation)
    {
        var needs = new CalibrationNeeds(plan);
        if (!needs.Any)
            return (null, SmoothedWeights.None());
        FiniteWeights.Check(weights);
        var passes = needs.AnySmoothing && needs.AnyRangeOrHessian ? 2 : 1;
        var run = new CalibrationRun(plan, weights, backend, passes, progress, cancellation);
        var statistics = new CalibrationStatistics();
        var smoothed = SmoothedWeights.None();
        try
        {
            if (needs.AnySmoothing)
            {
                run.Pass(needs, statistics, CalibrationKinds.Smoothing, smoothed);
                smoothed = SmoothedWeights.Build(plan, weights, statistics, plan.Calibration!.Steps[0], progress, cancellation);
            }
            if (needs.AnyRangeOrHessian)
                run.Pass(needs, statistics, CalibrationKinds.RangesAndHessians, smoothed);
        }
        catch
        {
            smoothed.Dispose();
            throw;
        }
        return (statistics, smoothed);
    }
}
