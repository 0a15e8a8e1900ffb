namespace QRecipe.Runtime.IO;

/// <summary>Whether a path is a regular file, checked before an input is opened: opening a named pipe for reading
/// waits for a writer (forever, when there is none), and a device such as <c>/dev/zero</c> never ends.</summary>
public static class FileKind
{
    /// <summary>Null for a regular file (also through symbolic links, and wherever the type cannot be read: off Linux
    /// the readers' own limits still apply); otherwise the rest of a one-line refusal, e.g. "is a named pipe, not a
    /// regular file".</summary>
    public static string? Problem(string path)
    {
        if (LinuxStat.Read(path, LinuxStat.TypeField) is not { } stat)
            return null;
        var kind = (stat.Mode & 0xF000) switch // S_IFMT
        {
            0x8000 => null, // S_IFREG
            0x4000 => "a folder",
            0x1000 => "a named pipe",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "a special file",
        };
        return kind is null ? null : $"is {kind}, not a regular file";
    }
}
