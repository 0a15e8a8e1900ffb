namespace QRecipe.Runtime.IO;

/// <summary>What kind of file system entry a path is, checked before an input is opened: opening a named pipe for
/// reading waits for a writer (forever, when there is none), and a device such as <c>/dev/zero</c> never ends.</summary>
public static class FileKind
{
    /// <summary>Null for a regular file (also through symbolic links, and wherever the type cannot be read: off
    /// Linux the reader's own limits still apply); otherwise what the path is, e.g. "a named pipe".</summary>
    public static string? NotRegular(string path)
    {
        if (LinuxStat.Read(path, LinuxStat.TypeField) is not { } stat)
            return null;
        return (stat.Mode & 0xF000) switch // S_IFMT
        {
            0x8000 => null, // S_IFREG
            0x4000 => "a folder",
            0x1000 => "a named pipe",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "a special file",
        };
    }

    /// <summary>The one-line reason a path that exists is not a usable input file, or null when it is one.</summary>
    public static string? Problem(string path)
    {
        var kind = NotRegular(path);
        return kind is null ? null : $"is {kind}, not a regular file";
    }
}
