using System;
using System.Collections.Generic;
using System.IO;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Run;

/// <summary>The result files of one run, written atomically one by one into its results folder. A run either keeps
/// all of them (<see cref="Keep"/>) or none: disposing without keeping deletes every file written or begun, their
/// temporary files included, so a failure midway (a full disk, say) leaves only log.txt.</summary>
internal sealed class ResultFiles(string folder) : IDisposable
{
    private readonly List<string> _begun = [];
    private readonly List<string> _written = [];
    private bool _kept;

    /// <summary>The files written so far, in order.</summary>
    public IReadOnlyList<string> Written => _written;

    public void Write(string name, byte[] bytes) => Add(name, path => RecipeFiles.WriteAtomically(path, bytes));

    public void Write(string name, string text) => Add(name, path => RecipeFiles.WriteAtomically(path, text));

    public void WriteNpy(string name, float[] values, params int[] shape) => Add(name, path => NpyFile.WriteSingles(path, values, shape));

    public void WriteNpz(string name, IEnumerable<NpzFile.Entry> entries) => Add(name, path => NpzFile.Write(path, entries));

    /// <summary>Every file is written: keep them.</summary>
    public void Keep() => _kept = true;

    public void Dispose()
    {
        if (_kept)
            return;
        foreach (var name in _begun)
        {
            Delete(Path.Combine(folder, name));
            // The writers stage each file as NAME.tmp-PID and rename it; a write that failed may have left that behind.
            foreach (var staged in Directory.EnumerateFiles(folder, name + ".tmp-*"))
                Delete(staged);
        }
    }

    /// <summary>Deletes a file if it is one; a file that cannot be deleted stays rather than hide the failure that
    /// led here.</summary>
    private static void Delete(string path)
    {
        try
        {
            if (File.Exists(path))
                File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private void Add(string name, Action<string> write)
    {
        _begun.Add(name);
        write(Path.Combine(folder, name));
        _written.Add(name);
    }
}
