namespace QRecipe.Plan;

/// <summary>
/// The operators a recipe addresses. The first seven exist once per DiT block; <see cref="Embed"/> and
/// <see cref="Final"/> exist once per model (patch, timestep and label embedders; the final layer).
/// </summary>
public enum Operator
{
    Qkv,
    Qk,
    Av,
    Proj,
    Fc1,
    Fc2,
    AdaLN,
    Embed,
    Final,
}
