using System;
using System.Runtime.InteropServices;

namespace QRecipe.Runtime.IO;

/// <summary>Fields of Linux's <c>statx</c> that .NET does not expose (the file type, the hard-link count). statx's
/// structure has one layout on every architecture, unlike <c>struct stat</c>, so fixed offsets are safe.</summary>
internal static partial class LinuxStat
{
    public const uint TypeField = 0x1; // STATX_TYPE
    public const uint LinkCountField = 0x4; // STATX_NLINK

    /// <summary>The mode (type and permission bits) and link count of <paramref name="path"/>, following symbolic
    /// links; null off Linux, on a C library without statx (glibc before 2.28), or when the fields asked for in
    /// <paramref name="fields"/> are not known.</summary>
    public static unsafe (uint Mode, uint Links)? Read(string path, uint fields)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        const int currentDirectory = -100; // AT_FDCWD
        var buffer = stackalloc byte[256]; // struct statx: stx_mask at 0, stx_nlink at 16, stx_mode (16 bits) at 28
        try
        {
            if (Statx(currentDirectory, path, 0, fields, buffer) != 0 || (*(uint*)buffer & fields) != fields)
                return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        return (*(ushort*)(buffer + 28), *(uint*)(buffer + 16));
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}
