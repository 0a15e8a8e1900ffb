using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using QRecipe.Generator;

namespace QRecipe.Benchmarks;

/// <summary>
/// Source generator cost on a compilation with 50 recipes (the examples of recipes/ under new names, issue 3): a full
/// run of a fresh driver (the baseline) against an incremental run after one recipe's text changed, where only that
/// recipe's steps and the registry may re-run. The Ratio column is incremental time over full time.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const int RecipeCount = 50;
    private AdditionalText[] _recipes = [];
    private CSharpCompilation _compilation = null!;
    private GeneratorDriver _warm = null!;
    private AdditionalText[] _edits = [];
    private AdditionalText _current = null!;
    private int _edit;

    [GlobalSetup]
    public void Setup()
    {
        var examples = Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "recipes"), "*.qrecipe").Order(StringComparer.Ordinal)
            .Select(File.ReadAllText).ToArray();
        _recipes = Enumerable.Range(0, RecipeCount)
            .Select(i => (AdditionalText)new Text($"/proj/recipes/r{i:00}.qrecipe",
                Regex.Replace(examples[i % examples.Length], @"(?m)^recipe (\w+)", $"recipe $1N{i:00}")))
            .ToArray();
        _compilation = CSharpCompilation.Create("Consumer", [],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var first = _recipes[0].GetText()!.ToString();
        _edits = [new Text(_recipes[0].Path, first.Replace("seed 0", "seed 1")), new Text(_recipes[0].Path, first.Replace("seed 0", "seed 2"))];
        _current = _recipes[0];
        _warm = Driver().RunGenerators(_compilation);
        var result = _warm.GetRunResult();
        if (result.GeneratedTrees.Length != RecipeCount + 1 || result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            throw new InvalidDataException("the 50 benchmark recipes do not generate cleanly");
    }

    [Benchmark(Baseline = true, Description = "50 recipes, full run")]
    public GeneratorDriver FullRun() => Driver().RunGenerators(_compilation);

    /// <summary>Alternates recipe 0 between two edits, so every call sees a changed text.</summary>
    [Benchmark(Description = "50 recipes, one recipe edited")]
    public GeneratorDriver IncrementalEdit()
    {
        var next = _edits[_edit++ % 2];
        _warm = _warm.ReplaceAdditionalText(_current, next);
        _current = next;
        return _warm = _warm.RunGenerators(_compilation);
    }

    private GeneratorDriver Driver() => CSharpGeneratorDriver.Create(
        [new RecipeGenerator().AsSourceGenerator()], _recipes, CSharpParseOptions.Default);

    private sealed class Text(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
