using System;

namespace QRecipe.Runtime.Diffusion;

/// <summary>
/// The respaced Gaussian diffusion of DiT (linear betas 1e-4..0.02 over 1000 steps, epsilon prediction, learned-range
/// variance; docs/dit.md). Arrays are float64, indexed by the respaced step k
/// (0 = cleanest); the samplers cast each value to float32 where they combine it with tensors, as the reference does.
/// </summary>
public sealed class DiffusionSchedule
{
    private DiffusionSchedule(int[] timesteps, double[] betas)
    {
        TimestepMap = timesteps;
        Betas = betas;
        var steps = betas.Length;
        AlphaBar = new double[steps];
        AlphaBarPrev = new double[steps];
        SqrtRecipAlphaBar = new double[steps];
        SqrtRecipM1AlphaBar = new double[steps];
        PosteriorLogVarianceClipped = new double[steps];
        LogBetas = new double[steps];
        PosteriorMeanCoef1 = new double[steps];
        PosteriorMeanCoef2 = new double[steps];
        var product = 1.0;
        var posteriorVariance = new double[steps];
        for (var k = 0; k < steps; k++)
        {
            AlphaBarPrev[k] = product;
            product *= 1 - betas[k];
            AlphaBar[k] = product;
            SqrtRecipAlphaBar[k] = Math.Sqrt(1 / product);
            SqrtRecipM1AlphaBar[k] = Math.Sqrt(1 / product - 1);
            posteriorVariance[k] = betas[k] * (1 - AlphaBarPrev[k]) / (1 - product);
            LogBetas[k] = Math.Log(betas[k]);
            PosteriorMeanCoef1[k] = betas[k] * Math.Sqrt(AlphaBarPrev[k]) / (1 - product);
            PosteriorMeanCoef2[k] = (1 - AlphaBarPrev[k]) * Math.Sqrt(1 - betas[k]) / (1 - product);
        }
        // The posterior variance at k = 0 is 0; its log borrows the value of k = 1.
        for (var k = 0; k < steps; k++)
            PosteriorLogVarianceClipped[k] = Math.Log(posteriorVariance[k == 0 && steps > 1 ? 1 : k]);
    }

    /// <summary>Number of sampling steps S.</summary>
    public int Steps => Betas.Length;

    /// <summary>The original 0..999 timestep of each respaced step: what the network is given.</summary>
    public int[] TimestepMap { get; }

    public double[] Betas { get; }

    public double[] AlphaBar { get; }

    public double[] AlphaBarPrev { get; }

    public double[] SqrtRecipAlphaBar { get; }

    public double[] SqrtRecipM1AlphaBar { get; }

    public double[] PosteriorLogVarianceClipped { get; }

    public double[] LogBetas { get; }

    public double[] PosteriorMeanCoef1 { get; }

    public double[] PosteriorMeanCoef2 { get; }

    /// <summary>The 1000 linear betas: 1e-4 + i·(0.02 − 1e-4)/999, the last exactly 0.02 (numpy linspace).</summary>
    public static double[] LinearBetas()
    {
        var betas = new double[TimestepRespacing.TrainingSteps];
        const double start = 1e-4, end = 0.02;
        var step = (end - start) / (betas.Length - 1);
        for (var i = 0; i < betas.Length; i++)
            betas[i] = start + i * step;
        betas[^1] = end;
        return betas;
    }

    /// <summary>The schedule for a respacing string (see <see cref="TimestepRespacing.Parse"/>).</summary>
    public static DiffusionSchedule Create(string respacing)
    {
        var use = TimestepRespacing.Parse(respacing);
        var baseBetas = LinearBetas();
        var kept = new bool[baseBetas.Length];
        foreach (var t in use)
            kept[t] = true;
        var betas = new double[use.Length];
        var last = 1.0;
        var alphaBar = 1.0;
        var k = 0;
        for (var i = 0; i < baseBetas.Length; i++)
        {
            alphaBar *= 1 - baseBetas[i];
            if (!kept[i])
                continue;
            betas[k++] = 1 - alphaBar / last;
            last = alphaBar;
        }
        return new DiffusionSchedule(use, betas);
    }
}
