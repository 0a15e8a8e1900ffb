using System;
using System.Linq;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Diffusion;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Quantization;
using static QRecipe.Runtime.Tests.Execution.CalibrationTestModel;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>Bad input during calibration and quantized runs: an <see cref="QuantizationException"/> (an
/// <see cref="ArgumentException"/>, which the CLI reports as a message) naming the layer, the step and the value.</summary>
public sealed class CalibrationBadInputTests
{
    private static QuantizationException Fails(RecipePlan plan, Action<DitWeights>? corrupt = null)
    {
        using var weights = Weights(plan);
        corrupt?.Invoke(weights);
        var error = Assert.Throws<QuantizationException>(() => RecipeRunner.Run(plan, Settings(), weights, ComputeDevices.Cpu));
        Assert.IsAssignableFrom<ArgumentException>(error);
        return error;
    }

    private static RecipePlan WithCalibration(RecipePlan plan, CalibrationSpec calibration) =>
        new(plan.Name, plan.Description, plan.Model, plan.Sampler, calibration, plan.Palette, plan.Cells, plan.Smoothing);

    [Fact]
    public void A_group_size_that_does_not_divide_a_layer_names_the_layer()
    {
        Assert.Contains(RecipeCompiler.Compile($"recipe T\n{ModelLine}\nsampler ddim steps 4\nweights int4 group 24\n").Diagnostics, d => d.Id == "QR0401");
        // A plan built by hand skips the compiler's check; the quantizer still refuses it.
        var plan = PlanOf("weights int4 group 16");
        var palette = plan.Palette.Select(s => s.Weights.Granularity == Granularity.Group ? s with { Weights = s.Weights with { GroupSize = 24 } } : s).ToArray();
        var bad = new RecipePlan(plan.Name, plan.Description, plan.Model, plan.Sampler, plan.Calibration, new EquatableArray<OpSetting>(palette), plan.Cells, plan.Smoothing);
        Assert.Equal("blocks.0.attn.qkv: group size 24 does not divide the 32 input columns", Fails(bad).Message);
    }

    [Theory]
    [InlineData(0, 1, new[] { 0, 1 }, "calibrate samples 0: at least 1 sample is needed")]
    [InlineData(2, 0, new[] { 0, 1 }, "calibrate batch 0: at least 1 sample per batch is needed")]
    [InlineData(2, 1, new int[0], "calibrate selects no step of the 4")]
    [InlineData(2, 1, new[] { 1, 4 }, "calibrate selects step 4, outside 0..3")]
    public void Calibration_that_would_produce_no_data_is_refused(int samples, int batch, int[] steps, string expected)
    {
        foreach (var body in new[] { "weights int4 gptq", "activations int8 static", "smooth smoothquant alpha 0.5" })
        {
            var plan = WithCalibration(PlanOf($"{body}\ncalibrate samples 2"), new CalibrationSpec(samples, new EquatableArray<int>(steps), batch));
            var error = Fails(plan);
            Assert.Equal($"T: {expected}; static ranges, GPTQ and smoothing would get no calibration data", error.Message);
        }
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void A_non_finite_weight_names_the_layer_and_position(float bad, string text)
    {
        void Corrupt(DitWeights w) => w.Blocks[1].Fc1.Weight.AsSpan<float>()[2 * 32 + 5] = bad;
        Assert.Equal($"blocks.1.mlp.fc1: weight [2, 5] is {text}", Fails(PlanOf("weights int4\nactivations int8"), Corrupt).Message);
        // Before calibration, so the error names the corrupt layer rather than the first layer its output reaches.
        Assert.Equal($"blocks.1.mlp.fc1: weight [2, 5] is {text}", Fails(PlanOf("weights int4 gptq on qkv\ncalibrate samples 1"), Corrupt).Message);
    }

    [Fact]
    public void A_non_finite_activation_names_the_operator_that_made_it()
    {
        // Finite parameters whose product overflows: fc1's channel 3 is float.MaxValue (GELU keeps it), fc2 multiplies
        // it by 10, so block 0's fc2 output is infinite in every forward. The error names fc2, where the infinity is
        // born, not a later layer whose quantizer or calibration reads it.
        static void Corrupt(DitWeights w)
        {
            w.Blocks[0].Fc1.Bias.AsSpan<float>()[3] = float.MaxValue;
            var fc2 = w.Blocks[0].Fc2.Weight.AsSpan<float>();
            for (var i = 0; i < 32; i++)
                fc2[i * 128 + 3] = 10f;
        }
        NonFiniteActivationException Diverges(RecipePlan plan)
        {
            using var weights = Weights(plan);
            Corrupt(weights);
            return Assert.Throws<NonFiniteActivationException>(() => RecipeRunner.Run(plan, Settings(), weights, ComputeDevices.Cpu));
        }
        const string Fc2 = "step 0, block 0, operator fc2 (blocks.0.mlp.fc2)";
        Assert.StartsWith($"non-finite activation at {Fc2}: ", Diverges(PlanOf("weights int8\nactivations int8")).Message);
        Assert.StartsWith($"non-finite activation in the calibration run at {Fc2}: ", Diverges(PlanOf("activations int8 static\ncalibrate samples 1")).Message);
        // Calibration observes step 2 only, but samples from step 0, where fc2 first overflows.
        Assert.StartsWith($"non-finite activation in the calibration run at {Fc2}: ",
            Diverges(PlanOf("weights int8\nsmooth smoothquant alpha 0.5\ncalibrate samples 1 steps 2")).Message);
    }

    [Fact]
    public void A_non_finite_bias_is_refused_before_calibration()
    {
        static void Corrupt(DitWeights w) => w.Blocks[0].Fc1.Bias.AsSpan<float>()[3] = float.PositiveInfinity;
        Assert.Equal("blocks.0.mlp.fc1: bias [0, 3] is Infinity", Fails(PlanOf("activations int8 static\ncalibrate samples 1"), Corrupt).Message);
    }
}
