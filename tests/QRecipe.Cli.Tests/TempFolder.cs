using System;
using System.IO;

namespace QRecipe.Cli.Tests;

/// <summary>A fresh folder under the system temp folder, deleted with the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "qrecipe-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name, string? text = null)
    {
        var path = System.IO.Path.Combine(Path, name);
        if (text is not null)
            System.IO.File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
