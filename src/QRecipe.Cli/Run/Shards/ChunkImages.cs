using System;
using QRecipe.Plan;
using QRecipe.Runtime.IO;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Vae;

namespace QRecipe.Cli.Run.Shards;

/// <summary>A chunk's 8-bit images, N × H × W × C as ADM's <c>.npz</c> holds them: the samples themselves for a
/// pixel-space model, the VAE's decoded images with <c>--vae</c>, none for latents without a VAE.</summary>
internal static class ChunkImages
{
    public static (byte[] Bytes, int[] Shape)? Of(ModelSpec model, VaeDecoder? vae, float[] latents, int count)
    {
        if (vae is not null)
            return Decoded(model, vae, latents, count);
        if (!model.PixelSpace)
            return null;
        var size = model.LatentSize;
        return (SampleImages.ToBytes(latents, count, model.InChannels, size, size), [size, size, model.InChannels]);
    }

    private static (byte[], int[]) Decoded(ModelSpec model, VaeDecoder vae, float[] latents, int count)
    {
        int size = model.LatentSize * vae.Config.UpscaleFactor, latentValues = model.InChannels * model.LatentSize * model.LatentSize, imageValues = 3 * size * size;
        var bytes = new byte[count * imageValues];
        using var image = Tensor.Empty(1, vae.Config.OutChannels, size, size);
        for (var i = 0; i < count; i++)
        {
            using (var latent = Tensor.From(latents.AsSpan(i * latentValues, latentValues), 1, model.InChannels, model.LatentSize, model.LatentSize))
                vae.Decode(latent, image);
            SampleImages.ToBytes(image.AsReadOnlySpan<float>(), 1, 3, size, size, bytes.AsSpan(i * imageValues, imageValues));
        }
        return (bytes, [size, size, 3]);
    }
}
