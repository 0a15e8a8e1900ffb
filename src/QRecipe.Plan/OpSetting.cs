namespace QRecipe.Plan;

/// <summary>Everything the runtime needs to execute one operator at one step of one block.</summary>
public sealed record OpSetting(WeightQuant Weights, ActivationQuant Activations, ScSetting Sc)
{
    public static readonly OpSetting Float = new(WeightQuant.Float, ActivationQuant.Float, ScSetting.Off);
}
