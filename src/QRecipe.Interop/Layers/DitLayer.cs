using QRecipe.Interop.Recipes;

namespace QRecipe.Interop.Layers;

/// <summary>One weight layer of a DiT under another tool's name, and the QRecipe layer it is (or is part of: the
/// separate q, k, v projections are the three parts of QRecipe's fused <c>qkv</c>; the embedders are one
/// <c>embed</c>).</summary>
public sealed record DitLayer(string Name, Cell Cell);
