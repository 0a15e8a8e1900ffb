using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using QRecipe.Generator.Tests.Harness;

namespace QRecipe.Generator.Tests;

/// <summary>
/// Packs the generator (from the build this test run already made) and builds a throwaway project that only has a
/// PackageReference to it, from a local folder feed: the package's analyzers load inside the real compiler, its
/// build files add recipes and per-folder namespaces, and QR diagnostics point into the recipe file.
/// Takes about 20-40 s, hence the trait (filter with <c>--filter Category!=Package</c>).
/// </summary>
[Trait("Category", "Package")]
public sealed class PackageTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "qrecipe-package-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A compiler server may still hold the analyzer files; the temp folder is left for the OS to clean.
        }
    }

    [Fact]
    public void Package_builds_and_runs_a_consumer_project()
    {
        // A version of its own, so no copy in a package cache can stand in for the package under test.
        var version = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");
        var feed = Path.Combine(_root, "feed");
        var project = Path.Combine(TestPaths.RepositoryRoot, "src", "QRecipe.Generator", "QRecipe.Generator.csproj");
        var pack = DotnetCli.Run(TestPaths.RepositoryRoot, Timeout, "pack", project, "-c", Configuration, "--no-build", "-o", feed, "-p:PackageVersion=" + version, "-nodeReuse:false");
        Assert.True(pack.ExitCode == 0, pack.Output);

        using (var package = ZipFile.OpenRead(Path.Combine(feed, $"QRecipe.Generator.{version}.nupkg")))
        {
            var entries = package.Entries.Select(e => e.FullName).ToHashSet();
            foreach (var expected in new[]
            {
                "analyzers/dotnet/cs/QRecipe.Generator.dll", "analyzers/dotnet/cs/QRecipe.Language.dll", "analyzers/dotnet/cs/QRecipe.Plan.dll",
                "analyzers/dotnet/cs/Sprache.dll", "build/QRecipe.Generator.props", "build/QRecipe.Generator.targets", "lib/netstandard2.0/QRecipe.Plan.dll",
                "docs/diagnostics.md",
            })
            {
                Assert.Contains(expected, entries);
            }
            Assert.DoesNotContain("lib/netstandard2.0/QRecipe.Generator.dll", entries);
            // Generated code needs the plan types only: the parser and Sprache stay inside the compiler.
            Assert.DoesNotContain("lib/netstandard2.0/QRecipe.Language.dll", entries);
        }

        var consumer = Path.Combine(_root, "consumer");
        WriteConsumer(consumer, feed, version);
        var build = DotnetCli.Run(consumer, Timeout, "build", "-c", "Debug", "-nodeReuse:false");
        Assert.True(build.ExitCode == 0, build.Output);
        var run = DotnetCli.Run(consumer, Timeout, Path.Combine(consumer, "bin", "Debug", "net10.0", "Consumer.dll"));
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal("Tiny 2 4 recipes/tiny.qrecipe 64 | Consumer.Lab.PerHeadSmall 32 | 2", run.Output.Trim());

        // A recipe with an error fails the build with the error located in the recipe file.
        File.WriteAllText(Path.Combine(consumer, "recipes", "broken.qrecipe"), TestRecipes.Broken);
        var broken = DotnetCli.Run(consumer, Timeout, "build", "-c", "Debug", "-nodeReuse:false");
        Assert.NotEqual(0, broken.ExitCode);
        Assert.Contains(Path.Combine(consumer, "recipes", "broken.qrecipe") + "(5,9): error QR0400: weight bit width int9", broken.Output);
        Assert.DoesNotContain("error CS", broken.Output);
    }

    private static void WriteConsumer(string directory, string feed, string version)
    {
        Directory.CreateDirectory(Path.Combine(directory, "recipes", "lab"));
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        // Packages are extracted into the temp folder; PolySharp and the like come from the machine's package cache.
        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <GenerateDocumentationFile>true</GenerateDocumentationFile>
                <QRecipeNamespace>Consumer.Recipes</QRecipeNamespace>
                <RestorePackagesPath>$(MSBuildProjectDirectory)/packages</RestorePackagesPath>
                <RestoreAdditionalProjectFallbackFolders>{globalPackages}</RestoreAdditionalProjectFallbackFolders>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="QRecipe.Generator" Version="{version}" />
                <QRecipeFile Update="recipes/lab/*.qrecipe" QRecipeNamespace="Consumer.Lab" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), """
            using Consumer.Recipes;

            /// <summary>Prints facts the generated classes expose.</summary>
            public static class Program
            {
                /// <summary>Entry point.</summary>
                public static void Main()
                {
                    var lab = QRecipeRegistry.Find("PerHeadSmall")!;
                    System.Console.WriteLine($"{Tiny.Name} {Tiny.Depth} {Tiny.Steps} {Tiny.SourcePath} {Tiny.QkStream(new QRecipe.Plan.Step(0), new QRecipe.Plan.Block(1), 3)} | "
                        + $"{lab.GetType().FullName} {Consumer.Lab.PerHeadSmall.QkStream(new QRecipe.Plan.Step(0), new QRecipe.Plan.Block(1), 3)} | {QRecipeRegistry.All.Count}");
                }
            }
            """);
        File.WriteAllText(Path.Combine(directory, "recipes", "tiny.qrecipe"), TestRecipes.Tiny);
        File.WriteAllText(Path.Combine(directory, "recipes", "lab", "per_head.qrecipe"), TestRecipes.PerHead);
    }
}
