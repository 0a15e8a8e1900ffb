using System;
using System.IO;
using QRecipe.Plan;
using QRecipe.Plan.Text;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Run;

/// <summary>The initial latents of <c>run --noise X.npy</c>, read and checked before anything else of the run
/// happens: N × C × L × L for the model, N at least 1 and equal to an explicit <c>--samples</c>, finite values.</summary>
internal static class NoiseFile
{
    /// <summary>The latents and their N; null after one line (the path escaped, the shape capped) when the file is
    /// unusable.</summary>
    public static (float[] Latents, int Samples)? Read(string path, ModelSpec model, int? samples, TextWriter error)
    {
        var name = SafeText.Escape(path);
        // Devices and pipes are refused before (InputFile); a file larger than the memory available cannot be a usable input.
        var length = new FileInfo(path).Length;
        if (length == 0 || length > RunMemoryEstimate.Available() / 2)
        {
            error.WriteLine(length == 0
                ? $"qrecipe: --noise {name} is empty"
                : $"qrecipe: --noise {name} has {RunMemoryEstimate.Format(length)}, more than half of the {RunMemoryEstimate.Format(RunMemoryEstimate.Available())} of memory available");
            return null;
        }
        NpyArray array;
        try
        {
            array = NpyFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            error.WriteLine("qrecipe: " + e.Message);
            return null;
        }
        var shape = array.Shape;
        if (shape.Count != 4 || shape[0] < 1 || shape[1] != model.InChannels || shape[2] != model.LatentSize || shape[3] != model.LatentSize)
        {
            error.WriteLine($"qrecipe: {name} has shape ({ShortList.Join(", ", shape)}); {model.Name} needs (N, {model.InChannels}, {model.LatentSize}, {model.LatentSize}) with N at least 1");
            return null;
        }
        if (samples is { } given && given != shape[0])
        {
            error.WriteLine($"qrecipe: --samples {given} but --noise {name} holds {shape[0]} samples; leave --samples out or give {shape[0]}");
            return null;
        }
        var noise = array.ToSingles();
        var bad = Array.FindIndex(noise, v => !float.IsFinite(v));
        if (bad < 0)
            return (noise, shape[0]);
        error.WriteLine($"qrecipe: {name} has a non-finite value {noise[bad]} at flat index {bad}; initial latents must be finite");
        return null;
    }
}
