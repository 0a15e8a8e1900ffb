using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.Tests.Checkpoints;

namespace QRecipe.Runtime.Tests.Vae;

/// <summary>The tiny decoder of Data/make_vae_reference.py, and variants of its file written into a fresh folder
/// (a folder of its own, because the loader reads a config.json beside the weights).</summary>
internal sealed class VaeTestFiles : IDisposable
{
    public VaeTestFiles()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"qrecipe-vae-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public static string DataPath(string file) => Path.Combine(AppContext.BaseDirectory, "Vae", "Data", file);

    public static string TinyVae => DataPath("tiny_vae.safetensors");

    /// <summary>A reference tensor of tiny_vae_reference.safetensors as float32 values.</summary>
    public static float[] Reference(string name)
    {
        using var reference = Checkpoint.Open(DataPath("tiny_vae_reference.safetensors"));
        return reference.Tensors[name].ToArray();
    }

    /// <summary>The tiny decoder's tensors, changed by <paramref name="edit"/>, written as a float32 safetensors file;
    /// the config.json is copied beside it when <paramref name="withConfig"/>.</summary>
    public string Write(Func<List<(string Name, int[] Shape, float[] Values)>, IEnumerable<(string Name, int[] Shape, float[] Values)>> edit, bool withConfig = true)
    {
        List<(string, int[], float[])> tensors;
        using (var tiny = Checkpoint.Open(TinyVae))
            tensors = tiny.Tensors.Select(t => (t.Name, t.Shape.ToArray(), t.ToArray())).ToList();
        var path = Path.Combine(Folder, "vae.safetensors");
        SafetensorsFileWriter.WriteF32(path, edit(tensors).ToList());
        if (withConfig)
            File.Copy(DataPath("config.json"), Path.Combine(Folder, "config.json"), overwrite: true);
        return path;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
