using System;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Execution;
using static QRecipe.Runtime.Tests.Execution.CalibrationTestModel;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>Recipes that need calibration, run end to end on the tiny DiT with fidelity against floating point.</summary>
public sealed class CalibrationRecipeTests
{
    private static RunResult Run(string body) => RecipeRunner.Run(PlanOf(body), Settings(), ComputeDevices.Cpu);

    /// <summary>Root mean square over steps and blocks of the linear layers' output errors.</summary>
    private static double LinearError(RunResult result)
    {
        double sum = 0;
        var count = 0;
        for (var step = 0; step < 4; step++)
        {
            foreach (var op in new[] { Operator.Qkv, Operator.Proj, Operator.Fc1, Operator.Fc2 })
            {
                sum += Math.Pow(result.OperatorErrors!.MeanOverBlocks(step, op), 2);
                count++;
            }
        }
        return Math.Sqrt(sum / count);
    }

    [Fact]
    public void Gptq_weights_are_closer_to_float_than_rtn_on_the_same_grid()
    {
        var gptq = Run("weights int4 group 16 asymmetric gptq\ncalibrate samples 4 batch 2");
        var rtn = Run("weights int4 group 16 asymmetric rtn");
        Assert.All(gptq.WeightReports, r => Assert.Equal(WeightMethod.Gptq, r.Method));
        Assert.Equal(10, gptq.WeightReports.Count);
        Assert.True(LinearError(gptq) < LinearError(rtn), $"GPTQ layer error {LinearError(gptq):E2} vs RTN {LinearError(rtn):E2}");
        Assert.True(gptq.FinalRelativeError < rtn.FinalRelativeError, $"GPTQ final error {gptq.FinalRelativeError:E2} vs RTN {rtn.FinalRelativeError:E2}");
    }

    [Fact]
    public void Static_activation_ranges_quantize_every_operand_and_more_bits_help()
    {
        var int8 = Run("activations int8 static on all\ncalibrate samples 4 batch 2");
        var int4 = Run("activations int4 static on all\ncalibrate samples 4 batch 2");
        Assert.Empty(int8.WeightReports);
        foreach (var op in Operators.PerBlock)
            Assert.True(int8.OperatorErrors!.MeanOverBlocks(0, op) > 0, $"{op} unchanged");
        Assert.True(int8.FinalRelativeError < 0.05, $"static int8 final error {int8.FinalRelativeError:E2}");
        Assert.True(4 * int8.FinalRelativeError < int4.FinalRelativeError, $"int8 {int8.FinalRelativeError:E2} vs int4 {int4.FinalRelativeError:E2}");
    }

    [Fact]
    public void Ditas_smoothing_with_low_rank_runs_end_to_end()
    {
        var result = Run("weights int4 per-channel asymmetric\nactivations int8 per-tensor asymmetric\nsmooth ditas alpha search 0..1 by 0.25 lowrank 2\ncalibrate samples 2 batch 2");
        var smoothed = result.WeightReports.Where(r => r.Layer.Contains("attn") || r.Layer.Contains("mlp")).ToList();
        Assert.Equal(8, smoothed.Count);
        // The rank-2 factors L [out, 2] and R [2, in] are stored as FP16 overhead words next to the per-row grids.
        var fc2 = smoothed.Single(r => r.Layer == "blocks.0.mlp.fc2");
        Assert.Equal(2L * 32 + 2L * (32 + 128), fc2.OverheadWords);
        Assert.All(smoothed, r => Assert.Equal(2, r.LowRankRank));
        Assert.All(smoothed, r => Assert.True(r.RelativeError < r.UncompensatedRelativeError, $"{r.Layer}: {r.RelativeError} vs {r.UncompensatedRelativeError}"));
        // Every smoothed layer reports the grid point its search chose among the five of 0..1 by 0.25.
        Assert.Equal(smoothed.Select(r => r.Layer).Order(), result.SmoothingReports.Select(r => r.Layer).Order());
        Assert.All(result.SmoothingReports, r =>
        {
            Assert.Equal(SmoothMethod.Ditas, r.Method);
            Assert.Equal(5, r.SearchedFrom);
            Assert.Contains(r.Alpha, new[] { 0, 0.25, 0.5, 0.75, 1 });
            Assert.True(r.BestLoss <= r.WorstLoss);
        });
        Assert.True(result.FinalRelativeError is > 0 and < 0.5, $"final error {result.FinalRelativeError:E2}");
    }
}
