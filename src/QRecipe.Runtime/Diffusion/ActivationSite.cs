namespace QRecipe.Runtime.Diffusion;

/// <summary>
/// Where in a sampling step a value was computed: the part of the network (<c>block 3</c>, <c>embedders</c>,
/// <c>final layer</c>) or of the step (<c>guidance</c>, <c>sampler</c>), the operator (a recipe operator such as
/// <c>fc2</c>, or a step between products such as <c>norm1</c> or <c>mlp residual</c>) and the layer or tensor name.
/// </summary>
/// <param name="Block">The block index inside the blocks, null elsewhere.</param>
public sealed record ActivationSite(string Part, int? Block, string Operator, string Layer)
{
    public static ActivationSite InBlock(int block, string op, string layer) => new($"block {block}", block, op, layer);

    public static ActivationSite Embedders(string op, string layer) => new("embedders", null, op, layer);

    public static ActivationSite FinalLayer(string op, string layer) => new("final layer", null, op, layer);

    /// <summary>Classifier-free guidance: uncond + s·(cond − uncond) on the model output.</summary>
    public static ActivationSite Guidance { get; } = new("guidance", null, "cfg", "uncond + s·(cond − uncond)");

    /// <summary>The sampler's update of the latents from the model output.</summary>
    public static ActivationSite SamplerUpdate(bool ddim) => new("sampler", null, ddim ? "ddim update" : "ddpm update", "latents");

    /// <summary><c>block 1, operator fc2 (blocks.1.mlp.fc2)</c>.</summary>
    public override string ToString() => $"{Part}, operator {Operator} ({Layer})";
}
