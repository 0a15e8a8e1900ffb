using System;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.IO;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Dit;
using QRecipe.Runtime.Vae;

namespace QRecipe.Runtime.Tests.Vae;

/// <summary>
/// The decoder against the float64 reference of Data/make_vae_reference.py (tiny configuration, 2 latents of 5×6,
/// images 20×24). Bound: relative L2 error 1e-5 for float32 (measured 5.5e-7: 29 convolutions of depth
/// ≤ 288 and one attention, each a few ulp).
/// </summary>
[Collection(SharedWorkersCollection.Name)]
public sealed class VaeDecoderTests
{
    private static readonly CpuBackend Backend = CpuBackend.Instance;

    private static float[] DecodeReferenceLatents(VaeDecoder decoder)
    {
        using var latents = Tensor.From(VaeTestFiles.Reference("latents"), 2, 4, 5, 6);
        using var images = Tensor.Empty(2, 3, 20, 24);
        decoder.Decode(latents, images);
        return images.ToArray<float>();
    }

    [Fact]
    public void Decode_matches_the_float64_reference()
    {
        using var decoder = VaeDecoder.Load(VaeTestFiles.TinyVae, Backend);
        var images = DecodeReferenceLatents(decoder);
        var error = DitReference.RelativeError(VaeTestFiles.Reference("images"), images);
        Assert.True(error < 1e-5, $"relative L2 error {error:E2}");
    }

    [Fact]
    public void Bytes_match_the_reference_bytes()
    {
        using var decoder = VaeDecoder.Load(VaeTestFiles.TinyVae, Backend);
        var images = DecodeReferenceLatents(decoder);
        var expected = VaeTestFiles.Reference("rgb");
        var rgb = new byte[3 * 20 * 24];
        var exact = 0;
        for (var n = 0; n < 2; n++)
        {
            SampleImages.ToBytes(images.AsSpan(n * rgb.Length, rgb.Length), 1, 3, 20, 24, rgb);
            for (var p = 0; p < 20 * 24; p++)
            {
                for (var c = 0; c < 3; c++)
                {
                    // The reference is channel-first; the bytes are pixel-interleaved RGB.
                    var want = expected[n * rgb.Length + c * 20 * 24 + p];
                    var got = rgb[3 * p + c];
                    Assert.True(Math.Abs(got - want) <= 1, $"image {n} pixel {p} channel {c}: {got}, expected {want}");
                    exact += got == want ? 1 : 0;
                }
            }
        }
        // Only values within ~1e-6 of a rounding boundary may land on the other side.
        Assert.True(exact >= 2 * rgb.Length - 2, $"{2 * rgb.Length - exact} bytes differ by one");
    }

    [Fact]
    public void Repeated_and_resized_decodes_reuse_buffers_and_repeat_exactly()
    {
        using var decoder = VaeDecoder.Load(VaeTestFiles.TinyVae, Backend);
        var first = DecodeReferenceLatents(decoder);
        using (var small = Tensor.From(new float[4 * 3 * 3], 1, 4, 3, 3))
        using (var output = Tensor.Empty(1, 3, 12, 12))
            decoder.Decode(small, output);
        Assert.Equal(first, DecodeReferenceLatents(decoder));

        using var latents = Tensor.From(VaeTestFiles.Reference("latents"), 2, 4, 5, 6);
        using var images = Tensor.Empty(2, 3, 20, 24);
        decoder.Decode(latents, images);
        var before = CpuBackend.AllocatedManagedBytes();
        decoder.Decode(latents, images);
        var allocated = CpuBackend.AllocatedManagedBytes() - before;
        // Only the two view handles per image (the latent and image slices): buffers, views and convolution scratch are reused.
        Assert.True(allocated < 2 * 1024, $"{allocated} managed bytes allocated by a warm decode of two images");
    }

    [Fact]
    public void Decoding_each_latent_alone_equals_decoding_the_batch()
    {
        using var decoder = VaeDecoder.Load(VaeTestFiles.TinyVae, Backend);
        var batch = DecodeReferenceLatents(decoder);
        var latents = VaeTestFiles.Reference("latents");
        using var second = Tensor.From(latents.AsSpan(120, 120), 1, 4, 5, 6);
        using var image = Tensor.Empty(1, 3, 20, 24);
        decoder.Decode(second, image);
        Assert.Equal(batch.AsSpan(1440, 1440).ToArray(), image.ToArray<float>());
    }

    [Fact]
    public void Wrong_shapes_name_both_shapes()
    {
        using var decoder = VaeDecoder.Load(VaeTestFiles.TinyVae, Backend);
        using var latents = Tensor.Empty(2, 4, 5, 6);
        using var wrongChannels = Tensor.Empty(2, 8, 5, 6);
        using var images = Tensor.Empty(2, 3, 20, 24);
        using var wrongSize = Tensor.Empty(2, 3, 40, 48);
        var size = Assert.Throws<ShapeMismatchException>(() => decoder.Decode(latents, wrongSize));
        Assert.Equal("VAE decode: shapes [2, 3, 20, 24] and [2, 3, 40, 48] do not match (images must be [N, 3, 4·h, 4·w])", size.Message);
        var channels = Assert.Throws<ShapeMismatchException>(() => decoder.Decode(wrongChannels, images));
        Assert.Contains("[2, 8, 5, 6] and [2, 3, 20, 24]", channels.Message);
        Assert.Contains("latents must be [N, 4, h, w]", channels.Message);
    }

    [Fact]
    public void Synthetic_weights_are_seeded_and_decode_to_finite_images()
    {
        var config = new VaeConfig(4, [8, 16], 1, 4, 3, 0.18215f);
        using var first = VaeWeights.Synthetic(config, Backend, seed: 3);
        using var again = VaeWeights.Synthetic(config, Backend, seed: 3);
        Assert.Equal(first.UpBlocks[0].Resnets[1].Conv2.Weight.ToArray<float>(), again.UpBlocks[0].Resnets[1].Conv2.Weight.ToArray<float>());
        Assert.Equal([8, 16, 1, 1], first.UpBlocks[1].Resnets[0].Shortcut!.Weight.Shape.ToArray());
        using var decoder = new VaeDecoder(first, Backend);
        using var latents = Tensor.From(VaeTestFiles.Reference("latents"), 2, 4, 5, 6);
        using var images = Tensor.Empty(2, 3, 10, 12);
        decoder.Decode(latents, images);
        foreach (var v in images.AsSpan<float>())
            Assert.True(float.IsFinite(v));
    }
}
