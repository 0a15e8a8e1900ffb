using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using QRecipe.Generator.Tests.Harness;

namespace QRecipe.Generator.Tests;

/// <summary>
/// The packages as a consumer gets them (<see cref="PackageFeed"/>): a throwaway project with only a PackageReference
/// to the generator (its analyzers load inside the real compiler, its build files add recipes and per-folder
/// namespaces, QR diagnostics point into the recipe file, and the plan types come from the QRecipe.Plan package it
/// depends on); the example consumer of examples/PipelineExample on the generator, runtime and evaluation packages;
/// and the qrecipe tool installed from the feed. About 3 minutes with the pack, hence the trait (filter with
/// <c>--filter Category!=Package</c>).
/// </summary>
[Trait("Category", "Package")]
public sealed class PackageTests : IClassFixture<PackageFeed>
{
    private static readonly TimeSpan Timeout = PackageFeed.Timeout;
    private readonly PackageFeed _feed;

    public PackageTests(PackageFeed feed) => _feed = feed;

    private static string[] Entries(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Select(e => e.FullName).ToArray();
    }

    private static string Nuspec(string package, string id)
    {
        using var zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.GetEntry(id + ".nuspec")!.Open());
        return reader.ReadToEnd();
    }

    [Fact]
    public void Every_library_and_the_tool_are_packed_with_their_metadata()
    {
        foreach (var id in new[] { "QRecipe.Plan", "QRecipe.Language", "QRecipe.Generator", "QRecipe.Runtime", "QRecipe.Runtime.Cuda", "QRecipe.Evaluation", "QRecipe.Cli" })
        {
            var nuspec = Nuspec(_feed.Package(id), id);
            Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
            Assert.Contains("<readme>README.md</readme>", nuspec);
            Assert.Contains("<description>", nuspec);
            Assert.DoesNotContain("<projectUrl>", nuspec);
            Assert.DoesNotContain("repository type=\"git\" url", nuspec);
            Assert.Contains("README.md", Entries(_feed.Package(id)));
        }
        // Nothing else is a package: tests, benchmarks, the example, the CLI's private libraries.
        Assert.Equal(7, Directory.GetFiles(_feed.Folder, "*.nupkg").Length);

        var generator = Entries(_feed.Package("QRecipe.Generator"));
        foreach (var expected in new[]
        {
            "analyzers/dotnet/cs/QRecipe.Generator.dll", "analyzers/dotnet/cs/QRecipe.Language.dll", "analyzers/dotnet/cs/QRecipe.Plan.dll",
            "analyzers/dotnet/cs/Sprache.dll", "build/QRecipe.Generator.props", "build/QRecipe.Generator.targets", "docs/diagnostics.md",
        })
        {
            Assert.Contains(expected, generator);
        }
        // No lib/ at all: the plan types generated code compiles against come from the QRecipe.Plan package, the
        // one the runtime package depends on too, so a project with both has one QRecipe.Plan.dll.
        Assert.DoesNotContain(generator, e => e.StartsWith("lib/", StringComparison.Ordinal));
        Assert.Contains($"<dependency id=\"QRecipe.Plan\" version=\"{_feed.Version}\"", Nuspec(_feed.Package("QRecipe.Generator"), "QRecipe.Generator"));
        Assert.Contains($"<dependency id=\"QRecipe.Plan\" version=\"{_feed.Version}\"", Nuspec(_feed.Package("QRecipe.Runtime"), "QRecipe.Runtime"));

        Assert.Contains("models/fmnist-dit/fmnist-dit.safetensors", Entries(_feed.Package("QRecipe.Runtime")));
        Assert.Contains("buildTransitive/QRecipe.Runtime.targets", Entries(_feed.Package("QRecipe.Runtime")));
        Assert.Contains("models/fmnist-classifier/fmnist-classifier.onnx", Entries(_feed.Package("QRecipe.Evaluation")));
        var tool = Entries(_feed.Package("QRecipe.Cli"));
        Assert.Contains("tools/net10.0/any/models/fmnist-dit/fmnist-dit.safetensors", tool);
        Assert.Contains("tools/net10.0/any/models/fmnist-classifier/fmnist-test-stats.npz", tool);
        Assert.Contains("tools/net10.0/any/QRecipe.Runtime.Cuda.dll", tool);
        Assert.DoesNotContain(tool, e => e.Contains("/runtimes/android/", StringComparison.Ordinal) || e.EndsWith(".lib", StringComparison.Ordinal));
    }

    [Fact]
    public void Generator_package_builds_and_runs_a_consumer_project()
    {
        var consumer = Path.Combine(_feed.Root, "consumer");
        WriteConsumer(consumer, _feed);
        var build = DotnetCli.Run(consumer, Timeout, "build", "-c", "Debug", "-nodeReuse:false");
        Assert.True(build.ExitCode == 0, build.Output);
        var run = DotnetCli.Run(consumer, Timeout, Path.Combine(consumer, "bin", "Debug", "net10.0", "Consumer.dll"));
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal("Tiny 2 4 recipes/tiny.qrecipe 64 | Consumer.Lab.PerHeadSmall 32 | 2", run.Output.Trim());
        // The generator package alone brings no runtime, so the classes have no pipeline members.
        Assert.False(File.Exists(Path.Combine(consumer, "bin", "Debug", "net10.0", "QRecipe.Runtime.dll")));

        // A recipe with an error fails the build with the error located in the recipe file.
        File.WriteAllText(Path.Combine(consumer, "recipes", "broken.qrecipe"), TestRecipes.Broken);
        var broken = DotnetCli.Run(consumer, Timeout, "build", "-c", "Debug", "-nodeReuse:false");
        Assert.NotEqual(0, broken.ExitCode);
        Assert.Contains(Path.Combine(consumer, "recipes", "broken.qrecipe") + "(5,9): error QR0400: weight bit width int9", broken.Output);
        Assert.DoesNotContain("error CS", broken.Output);
    }

    [Fact]
    public void Example_consumer_runs_the_bundled_recipes_from_the_packages()
    {
        var example = Path.Combine(_feed.Root, "example");
        Directory.CreateDirectory(example);
        foreach (var file in new[] { "PipelineExample.csproj", "Program.cs" })
            File.Copy(Path.Combine(TestPaths.RepositoryRoot, "examples", "PipelineExample", file), Path.Combine(example, file));
        _feed.WriteNugetConfig(example);

        var build = DotnetCli.Run(example, Timeout, "build", "-c", "Debug", "-nodeReuse:false", "-p:QRecipeVersion=" + _feed.Version,
            "-p:QRecipeRecipes=" + Path.Combine(TestPaths.RepositoryRoot, "recipes") + Path.DirectorySeparatorChar,
            "-p:RestorePackagesPath=" + Path.Combine(example, "packages"), "-p:RestoreAdditionalProjectFallbackFolders=" + _feed.GlobalPackages);
        Assert.True(build.ExitCode == 0, build.Output);
        var output = Path.Combine(example, "bin", "Debug", "net10.0");
        // One QRecipe.Plan, from its package, for the generated classes and the runtime alike.
        Assert.Single(Directory.GetFiles(output, "QRecipe.Plan.dll", SearchOption.AllDirectories));
        Assert.True(File.Exists(Path.Combine(output, "models", "fmnist-dit", "fmnist-dit.safetensors")));

        var run = DotnetCli.Run(example, Timeout, Path.Combine(output, "PipelineExample.dll"), "2");
        Assert.True(run.ExitCode == 0, run.Output);
        var lines = run.Output.Trim().Split('\n').Select(l => l.Trim()).ToArray();
        // fmnist_w4a8.qrecipe: "weights int4 group 32 symmetric", "activations int8 per-token dynamic on all".
        Assert.Equal("FmnistW4A8: fc1 weights in block 2 are int4, qkv activations at step 10 in block 2 are int8", lines[0]);
        Assert.Matches(@"^2 samples: class accuracy FmnistFp (0|50|100) %, FmnistW4A8 (0|50|100) %$", lines[1]);
    }

    [Fact]
    public void Cli_tool_installs_from_the_feed_and_runs_the_bundled_model()
    {
        var tools = Path.Combine(_feed.Root, "tools");
        var config = _feed.WriteNugetConfig(Path.Combine(_feed.Root, "tool-config"));
        var install = DotnetCli.Run(_feed.Root, Timeout, "tool", "install", "--tool-path", tools, "--configfile", config, "QRecipe.Cli", "--version", _feed.Version);
        Assert.True(install.ExitCode == 0, install.Output);
        var qrecipe = Path.Combine(tools, OperatingSystem.IsWindows() ? "qrecipe.exe" : "qrecipe");

        var check = DotnetCli.RunProgram(qrecipe, TestPaths.RepositoryRoot, Timeout, "check", "recipes/fmnist_w4a8_sc.qrecipe");
        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains("recipes/fmnist_w4a8_sc.qrecipe: FmnistW4A8Sc", check.Output);
        Assert.Contains("1 recipe checked, no errors", check.Output);

        // The bundled model and classifier travel in the tool: a run of two samples on them, judged by the classifier.
        var results = Path.Combine(_feed.Root, "results");
        var run = DotnetCli.RunProgram(qrecipe, _feed.Root, Timeout, "run", "FmnistW4A8", "--eval", "2", "--out", results);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("FmnistW4A8: 2 samples in", run.Output);
        Assert.Contains("class accuracy", run.Output);
        var folder = Assert.Single(Directory.GetDirectories(results));
        // latents.npy: 2 samples x 1 channel x 28 x 28 float32 after the .npy header.
        var latents = new FileInfo(Path.Combine(folder, "latents.npy")).Length;
        Assert.InRange(latents - 2 * 28 * 28 * 4, 64, 256);
    }

    private static void WriteConsumer(string directory, PackageFeed feed)
    {
        Directory.CreateDirectory(Path.Combine(directory, "recipes", "lab"));
        var (globalPackages, version) = (feed.GlobalPackages, feed.Version);
        feed.WriteNugetConfig(directory);
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
