using System;
using System.IO;
using Microsoft.ML.OnnxRuntime;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Benchmarks;

/// <summary>The ONNX Runtime side of the DiT comparison: bench/peers/onnx_export.py's export of one catalogue model
/// (batch 2, image 256, float32) with the inputs <see cref="DitBenchModel"/> uses (the same latents, timesteps 999 and
/// 500, labels 207 and 360).</summary>
public static class OrtDit
{
    /// <summary>bench/.cache, where bench/peers/onnx_export.py writes by default.</summary>
    public static string DefaultCache => Path.Combine(RepositoryRoot.Find(), "bench", ".cache");

    public static string ModelPath(string cache, string model) => Path.Combine(cache, model.Replace('/', '_'), "model.onnx");

    public static OrtSession Open(string cache, string model, string? profilePrefix = null)
    {
        const int batch = DitBenchModel.Batch, inChannels = 4, outChannels = 8, latent = 32;
        if (model is not ("dit-s/2" or "dit-b/2" or "dit-l/2" or "dit-xl/2"))
            throw new ArgumentException($"{model}: the ONNX peer exports the /2 models at image 256 only");
        var latents = new float[batch * inChannels * latent * latent];
        PhiloxRandom.FillNormal(latents, 2);
        return new OrtSession(ModelPath(cache, model),
            [
                ("x", OrtValue.CreateTensorValueFromMemory(latents, [batch, inChannels, latent, latent])),
                ("t", OrtValue.CreateTensorValueFromMemory(new[] { 999f, 500f }, [batch])),
                ("y", OrtValue.CreateTensorValueFromMemory(new[] { 207L, 360L }, [batch])),
            ],
            [("out", OrtValue.CreateTensorValueFromMemory(new float[batch * outChannels * latent * latent], [batch, outChannels, latent, latent]))],
            profilePrefix);
    }
}
