using System;
using System.IO;

namespace QRecipe.Generator.Tests.Harness;

/// <summary>
/// Every package of the solution, packed once (from the build this test run already made) into a folder feed under
/// a temp folder, with a version of its own so that no copy in a package cache can stand in for the packages under
/// test. Consumers restore from this feed only, with the machine's package cache as a fallback for third-party
/// packages, so the tests run offline.
/// </summary>
public sealed class PackageFeed : IDisposable
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    public PackageFeed()
    {
        Root = Path.Combine(Path.GetTempPath(), "qrecipe-package-" + Guid.NewGuid().ToString("N")[..12]);
        Folder = Path.Combine(Root, "feed");
        Version = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");
        var pack = DotnetCli.Run(TestPaths.RepositoryRoot, Timeout, "pack", Path.Combine(TestPaths.RepositoryRoot, "QRecipe.sln"), "-c", Configuration, "--no-build",
            "-o", Folder, "-p:PackageVersion=" + Version, "-nodeReuse:false");
        if (pack.ExitCode != 0)
            throw new InvalidOperationException("dotnet pack failed:\n" + pack.Output);
        GlobalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }

    public string Root { get; }

    public string Folder { get; }

    public string Version { get; }

    public string GlobalPackages { get; }

    public string Package(string id) => Path.Combine(Folder, $"{id}.{Version}.nupkg");

    /// <summary>A nuget.config in <paramref name="directory"/> whose only source is this feed.</summary>
    public string WriteNugetConfig(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "nuget.config");
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Folder}" />
              </packageSources>
            </configuration>
            """);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A compiler server may still hold the analyzer files; the temp folder is left for the OS to clean.
        }
        catch (UnauthorizedAccessException)
        {
            // Same; read-only files of an installed tool.
        }
    }
}
