using System;
using System.IO;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Export;

namespace QRecipe.Runtime.Tests.Export;

/// <summary>Recipes compiled with their text, exports written to a temporary folder, and the committed golden export.</summary>
internal sealed class ExportTestFiles : IDisposable
{
    public ExportTestFiles()
    {
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"qrecipe-export-{Guid.NewGuid():N}");

    public static string DataPath(string name) => Path.Combine(AppContext.BaseDirectory, "Export", "Data", name);

    public static RecipePlan Compile(string text)
    {
        var compilation = RecipeCompiler.Compile(text, "export.qrecipe");
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    /// <summary>Exports <paramref name="text"/>'s quantized model of <paramref name="checkpoint"/> and returns its path.</summary>
    public string Export(string text, string checkpoint, string name = "model.safetensors")
    {
        var path = Path.Combine(Folder, name);
        var (file, _) = ModelExporter.Export(Compile(text), text, checkpoint, CpuBackend.Instance);
        using var stream = File.Create(path);
        file.WriteTo(stream);
        return path;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
