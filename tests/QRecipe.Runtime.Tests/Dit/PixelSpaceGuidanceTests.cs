using System;
using QRecipe.Plan.Models;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Dit;

/// <summary>Guidance on the bundled 1-channel model: its one eps channel is guided, its variance channel is the
/// conditional branch's, checked against two plain forwards (the conditional one and the null-class one).</summary>
public sealed class PixelSpaceGuidanceTests
{
    [Fact]
    public void One_channel_model_guides_its_eps_channel_and_keeps_the_conditional_variance()
    {
        var spec = ModelCatalog.FashionMnist;
        var backend = CpuBackend.Instance;
        using var model = new DitModel(DitWeights.Synthetic(spec, backend, seed: 7), backend);
        const int n = 2;
        const float scale = 3f;
        var values = new float[n * 28 * 28];
        var random = new System.Random(1);
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        using var x = Tensor.From(values, n, 1, 28, 28);
        using var t = Tensor.From(new float[] { 500, 120 }, n);
        using var labels = Tensor.From(new[] { 3, 7 }, n);
        using var nullLabels = Tensor.From(new[] { 10, 10 }, n);
        using var conditional = Tensor.Empty(n, 2, 28, 28);
        using var unconditional = Tensor.Empty(n, 2, 28, 28);
        using var guided = Tensor.Empty(n, 2, 28, 28);
        model.Forward(x, t, labels, conditional);
        model.Forward(x, t, nullLabels, unconditional);
        model.ForwardWithCfg(x, t, labels, scale, guided);

        var c = conditional.ToArray<float>();
        var u = unconditional.ToArray<float>();
        var g = guided.ToArray<float>();
        const int plane = 28 * 28;
        for (int s = 0; s < n; s++)
        {
            for (int p = 0; p < plane; p++)
            {
                int eps = s * 2 * plane + p, variance = eps + plane;
                double expected = u[eps] + scale * (c[eps] - u[eps]);
                Assert.True(Math.Abs(g[eps] - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"eps of sample {s} at {p}: {g[eps]} vs {expected}");
                Assert.True(Math.Abs(g[variance] - c[variance]) <= 1e-5 * Math.Max(1, Math.Abs(c[variance])), $"variance of sample {s} at {p}");
            }
        }
        Assert.Equal(1, DitModel.GuidedChannels(spec));
    }
}
