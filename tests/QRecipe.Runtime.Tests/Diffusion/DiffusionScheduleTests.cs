using QRecipe.Runtime.Diffusion;

namespace QRecipe.Runtime.Tests.Diffusion;

/// <summary>Values of the linear schedule and of its 50-step respacing (docs/dit.md) computed independently in float64 ( bounds are a few ulps of the printed
/// value because the reference's cumulative product runs in a different order).</summary>
public sealed class DiffusionScheduleTests
{
    private static void Close(double expected, double actual, double relative = 1e-13) =>
        Assert.True(System.Math.Abs(expected - actual) <= relative * System.Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Linear_betas_and_their_cumulative_product()
    {
        var betas = DiffusionSchedule.LinearBetas();
        Assert.Equal(1e-4, betas[0]);
        Close(1.1991991991991993e-4, betas[1], 1e-15);
        Assert.Equal(0.02, betas[999]);
        var full = DiffusionSchedule.Create("");
        Close(0.9999, full.AlphaBar[0], 1e-15);
        Close(0.07858724288177824, full.AlphaBar[499]);
        Close(4.035829765375676e-5, full.AlphaBar[999]);
    }

    [Fact]
    public void Fifty_step_respaced_schedule()
    {
        var s = DiffusionSchedule.Create("50");
        Assert.Equal(50, s.Steps);
        Assert.Equal(999, s.TimestepMap[49]);
        Close(1e-4, s.Betas[0], 1e-12);
        Close(0.006165187946595374, s.Betas[1]);
        Close(0.32980906609465954, s.Betas[49]);
        Close(0.9937354285721993, s.AlphaBar[1]);
        Close(-9.226331928392868, s.PosteriorLogVarianceClipped[0]);
        Close(-1.109261241365272, s.PosteriorLogVarianceClipped[49]);
        Close(-1.109241379559944, s.LogBetas[49]);
        Close(0.0025594536120953086, s.PosteriorMeanCoef1[49], 1e-12);
        Close(0.8186356405815586, s.PosteriorMeanCoef2[49]);
    }

    [Fact]
    public void Respaced_alpha_bar_equals_the_original_at_the_kept_timesteps()
    {
        var full = DiffusionSchedule.Create("");
        var s = DiffusionSchedule.Create("ddim50");
        Close(0.3246144475291255, s.Betas[49]);
        Close(5.9037513708533764e-5, s.AlphaBar[49]);
        for (var k = 0; k < s.Steps; k++)
            Close(full.AlphaBar[s.TimestepMap[k]], s.AlphaBar[k], 1e-12);
        Close(0.07751934499235003, DiffusionSchedule.Create("250").Betas[249]);
    }

    [Fact]
    public void Last_step_posterior_returns_the_predicted_x0()
    {
        var s = DiffusionSchedule.Create("50");
        Assert.Equal(1.0, s.PosteriorMeanCoef1[0], 12);
        Assert.Equal(0.0, s.PosteriorMeanCoef2[0], 12);
    }
}
