namespace QRecipe.Plan;

public enum SamplerKind
{
    Ddpm,
    Ddim,
}

/// <summary>Sampling loop settings. Step 0 is the first and noisiest step.</summary>
public sealed record SamplerSpec(SamplerKind Kind, int Steps, double Cfg, long Seed, double Eta);
