using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Tests.Dit;
using static QRecipe.Runtime.Tests.Execution.CalibrationTestModel;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>End-to-end fidelity of quantized sampling against the float model from the same noise: more bits are
/// more faithful, and DiTAS smoothing repairs what activation outliers do to W4A8.</summary>
public sealed class SmoothingQualityTests
{
    private const string W4A8 = "weights int4 per-channel\nactivations int8 per-token dynamic";

    private static double Error(RecipePlan plan, DitWeights weights) =>
        RecipeRunner.Run(plan, Settings(), weights, ComputeDevices.Cpu).FinalRelativeError!.Value;

    [Fact]
    public void On_the_reference_dit_w8a8_is_far_more_faithful_than_w4a8()
    {
        using var weights = DitWeights.Load(DitReference.WeightsPath, DitReference.Model, Backend);
        var w8a8 = Error(PlanOf("weights int8 per-channel\nactivations int8 per-token dynamic"), weights);
        var w4a8 = Error(PlanOf(W4A8), weights);
        Assert.True(w8a8 > 0, "quantization must change something");
        Assert.True(w8a8 * 4 < w4a8, $"W8A8 error {w8a8:E2} should be below a quarter of W4A8's {w4a8:E2}");
    }

    [Fact]
    public void Ditas_smoothing_reduces_w4a8_error_with_planted_activation_outliers()
    {
        var plain = PlanOf(W4A8);
        var smoothed = PlanOf($"{W4A8}\nsmooth ditas alpha search 0..1 by 0.1 on qkv, fc1\ncalibrate samples 2 batch 2");
        using var weights = Weights(plain);
        var before = Error(plain, weights);
        PlantOutliers(weights, new[] { 3, 17, 29 }, 50f);
        var outliers = Error(plain, weights);
        var repaired = Error(smoothed, weights);
        Assert.True(outliers > 1.5 * before, $"outliers should hurt W4A8: {outliers:E2} vs {before:E2} without them");
        Assert.True(repaired < 0.5 * outliers, $"DiTAS error {repaired:E2} vs {outliers:E2} without smoothing");
    }

    /// <summary>
    /// Makes input channels <paramref name="channels"/> of qkv and fc1 <paramref name="factor"/> times larger without
    /// changing the function: the adaLN shift and scale rows of those channels produce factor·(modulated input)
    /// (shift′ = f·shift, 1 + scale′ = f·(1 + scale)) and the consuming weight columns are divided by f.
    /// </summary>
    private static void PlantOutliers(DitWeights weights, int[] channels, float factor)
    {
        var d = weights.Model.Hidden;
        foreach (var block in weights.Blocks)
        {
            var ada = block.AdaLN.Weight.AsSpan<float>();
            var bias = block.AdaLN.Bias.AsSpan<float>();
            foreach (var (shiftChunk, consumer) in new[] { (0, block.Qkv), (3, block.Fc1) })
            {
                var w = consumer.Weight.AsSpan<float>();
                foreach (var j in channels)
                {
                    int shift = shiftChunk * d + j, scale = (shiftChunk + 1) * d + j;
                    foreach (var row in new[] { shift, scale })
                    {
                        foreach (ref var v in ada.Slice(row * d, d))
                            v *= factor;
                    }
                    bias[shift] *= factor;
                    bias[scale] = factor * (bias[scale] + 1f) - 1f;
                    for (var i = 0; i < consumer.OutFeatures; i++)
                        w[i * d + j] /= factor;
                }
            }
        }
    }
}
