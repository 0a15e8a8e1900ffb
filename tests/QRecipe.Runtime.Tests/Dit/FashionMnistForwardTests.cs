using System;
using System.IO;
using System.Linq;
using QRecipe.Plan.Models;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Bundled;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.IO;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Dit;

/// <summary>The bundled Fashion-MNIST DiT, loaded from the weights that ship, against the float64 PyTorch model of
/// training/dit_model.py on the same file (Data/fmnist_reference.npz, made by training/make_fmnist_reference.py): the
/// key layout, the 1-channel patch embedding, the 2-channel unpatchify and the guidance of the one eps channel.</summary>
public sealed class FashionMnistForwardTests
{
    private static readonly System.Collections.Generic.IReadOnlyDictionary<string, NpyArray> Reference =
        NpzFile.Read(Path.Combine(AppContext.BaseDirectory, "Dit", "Data", "fmnist_reference.npz"));

    private static float[] Values(string name) => Reference[name].ToSingles();

    [Fact]
    public void Bundled_weights_give_the_pytorch_forward_and_guided_forward()
    {
        var spec = ModelCatalog.FashionMnist;
        var backend = CpuBackend.Instance;
        using var model = new DitModel(DitWeights.Load(BundledAssets.Locate(ModelCatalog.BundledWeights(spec.Name)!), spec, backend), backend);
        using var x = Tensor.From(Values("x"), 3, 1, 28, 28);
        using var t = Tensor.From(Values("t"), 3);
        using var labels = Tensor.From(Reference["y"].Values.Select(v => (int)v).ToArray(), 3);
        using var output = Tensor.Empty(3, 2, 28, 28);
        model.Forward(x, t, labels, output);
        AssertClose(Values("forward"), output.ToArray<float>());
        model.ForwardWithCfg(x, t, labels, Values("scale")[0], output);
        AssertClose(Values("forward_cfg"), output.ToArray<float>());
    }

    // A float32 forward of six blocks stays within 1e-5 relative L2 of float64.
    private static void AssertClose(float[] expected, float[] actual)
    {
        var error = DitReference.RelativeError(expected, actual);
        Assert.True(error < 1e-5, $"relative L2 error {error:E2}");
    }
}
