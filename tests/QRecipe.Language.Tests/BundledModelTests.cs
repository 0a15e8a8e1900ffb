using System.Linq;

namespace QRecipe.Language.Tests;

/// <summary>The bundled Fashion-MNIST DiT as a catalogue model: a pixel-space 1 x 28 x 28 DiT, patch 4, depth 6,
/// hidden 128, 4 heads, 10 classes.</summary>
public sealed class BundledModelTests
{
    [Fact]
    public void Fmnist_model_binds_with_its_shapes_and_pixel_space()
    {
        var compilation = RecipeCompiler.Compile("recipe F\nmodel fmnist-dit/4\nsampler ddim steps 50 cfg 4\nsc precision 8 {\n  qk blocks last 2 heads 3 stream 128\n}\nactivations int8 on all\n", "f.qrecipe");
        Assert.Empty(compilation.Diagnostics);
        var m = compilation.Plan!.Model;
        Assert.Equal(("fmnist-dit/4", 6, 128, 4, 4, 28, 10, 1), (m.Name, m.Depth, m.Hidden, m.Heads, m.PatchSize, m.LatentSize, m.NumClasses, m.InChannels));
        Assert.True(m.PixelSpace);
        // Pixels, not latents: the image is the sample itself; 7 x 7 patches of 4 x 4.
        Assert.Equal(28, m.ImageSize);
        Assert.Equal(49, m.Tokens);
        Assert.Equal(2, m.OutChannels);
        Assert.Equal(1 * 4 * 4, m.InputWidth(QRecipe.Plan.Operator.Embed));
    }

    [Fact]
    public void Fmnist_model_accepts_image_28_and_refuses_the_latent_sizes()
    {
        Assert.Empty(RecipeCompiler.Compile("recipe F\nmodel fmnist-dit/4 image 28\nsampler ddpm steps 10\n", "f.qrecipe").Diagnostics);
        var error = Assert.Single(RecipeCompiler.Compile("recipe F\nmodel fmnist-dit/4 image 256\nsampler ddpm steps 10\n", "f.qrecipe").Diagnostics);
        Assert.Equal("QR0104", error.Descriptor.Id);
        Assert.Contains("fmnist-dit/4", error.Message);
        Assert.Contains("28", error.Message);
    }

    [Fact]
    public void Latent_models_still_default_to_256_and_refuse_28()
    {
        Assert.False(RecipeCompiler.Compile("recipe F\nmodel dit-s/2\nsampler ddpm steps 10\n", "f.qrecipe").Plan!.Model.PixelSpace);
        var error = RecipeCompiler.Compile("recipe F\nmodel dit-s/2 image 28\nsampler ddpm steps 10\n", "f.qrecipe").Diagnostics.Single();
        Assert.Contains("256 and 512", error.Message);
    }
}
