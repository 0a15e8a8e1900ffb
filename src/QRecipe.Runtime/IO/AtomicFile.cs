using System;
using System.IO;

namespace QRecipe.Runtime.IO;

/// <summary>
/// Replaces a file's content so that a crash leaves the old or the new content, never half of it: the new bytes go
/// to a temporary file beside the target, which then replaces it by rename. What the rename would lose is kept:
/// <list type="bullet">
/// <item>a symbolic link stays a link: the file it finally points to is replaced;</item>
/// <item>the target's permission bits (e.g. 600) are copied to the new file;</item>
/// <item>a file with more than one hard link is rewritten in place instead, so every name sees the new content (a
/// rename would give only this name a new file); that rewrite is not atomic. Link counts are read on Linux.</item>
/// </list>
/// On any failure the temporary file is deleted and the error names the file.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Replaces <paramref name="path"/> with what <paramref name="write"/> writes.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var target = Target(path);
        if (HardLinks(target) > 1)
        {
            RewriteInPlace(target, write);
            return;
        }
        var temporary = target + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows() && File.Exists(target))
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception e)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // The original error is the one to report; a temporary file that cannot be deleted cannot be helped.
            }
            if (e is IOException or UnauthorizedAccessException)
                throw new IOException($"cannot write {path}: {e.Message}", e);
            throw;
        }
    }

    /// <summary>The file a write to <paramref name="path"/> must change: the final target of a symbolic link.</summary>
    private static string Target(string path)
    {
        var file = new FileInfo(path);
        return file.LinkTarget is null ? path : file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
    }

    private static void RewriteInPlace(string target, Action<Stream> write)
    {
        try
        {
            using var stream = new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.None);
            write(stream);
            stream.SetLength(stream.Position);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write {target}: {e.Message}", e);
        }
    }

    /// <summary>The number of hard links of an existing file on Linux (statx); 1 where it cannot be known.</summary>
    internal static uint HardLinks(string path) => File.Exists(path) && LinuxStat.Read(path, LinuxStat.LinkCountField) is { } stat ? stat.Links : 1;
}
