using System;
using System.IO;
using QRecipe.Runtime.Checkpoints;

namespace QRecipe.Runtime.Bundled;

/// <summary>The files that ship with QRecipe in the <c>models/</c> folder next to its assemblies: the bundled
/// Fashion-MNIST DiT's weights, and the classifier and reference statistics its quality metrics use
/// (docs/model-card.md).</summary>
public static class BundledAssets
{
    /// <summary>The folder the build copies the repository's <c>models/</c> files into.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>The path of a bundled file given relative to <see cref="Folder"/>; a missing file is a
    /// <see cref="CheckpointException"/> naming it, so the CLI prints one line.</summary>
    public static string Locate(string relative)
    {
        var path = Path.Combine(Folder, relative);
        if (!File.Exists(path))
            throw new CheckpointException(path, "this bundled file is missing; reinstall QRecipe (or rebuild it from the repository, where it is models/" + relative.Replace('\\', '/') + ")");
        return path;
    }
}
