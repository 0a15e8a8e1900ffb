using System.Collections.Generic;
using System.Linq;
using QRecipe.Interop.Diagnostics;
using QRecipe.Interop.Layers;
using QRecipe.Interop.Pickle;
using QRecipe.Interop.Recipes;
using QRecipe.Plan.Text;

namespace QRecipe.Interop.Qua2SeDiMo;

/// <summary>A Qua2SeDiMo per-layer config (<c>--q_config</c>: a pickled dict from
/// <c>model.&lt;diffusers module path&gt;.weight_quantizer</c> to <c>method-bits</c>) as a recipe.</summary>
public static class Qua2SeDiMoImporter
{
    private const string Prefix = "model.";
    private const string Suffix = ".weight_quantizer";

    public static ImportResult Import(object? pickle, ImportOptions options, string path)
    {
        var bag = new DiagnosticBag(path);
        if (pickle is not PickleDict dict)
            throw new InteropException($"{path}: the pickle holds {Describe(pickle)}, not a dict from layer names to 'method-bits' values");
        var names = DitLayerNames.Diffusers(options.Model.Depth);
        var chosen = new Dictionary<string, Qua2SeDiMoMethod>(System.StringComparer.Ordinal);
        foreach (var (key, value) in dict.Entries)
        {
            if (key is not string name)
                throw new InteropException($"{path}: a key is {Describe(key)}; keys are layer names");
            var where = $"['{SafeText.Escape(name, 120)}']";
            if (value is not string text)
            {
                // quant_cache.pkl's 'config' holds [method-bits, sizes, error] records under the same names.
                throw new InteropException($"{path}: {where} is {Describe(value)}, not a 'method-bits' string{(value is List<object?> ? " (a quant_cache statistics record? import the per-layer config, whose values are strings)" : string.Empty)}");
            }
            if (!Qua2SeDiMoMethod.TryParse(text, out var method))
                throw new InteropException($"{path}: {where} is '{SafeText.Escape(text, 60)}'; values are METHOD-BITS with METHOD one of mse, kmeans, kmeans_all");
            if (!method.HasCandidate)
                bag.Report(InteropDiagnostics.SourceRejects, $"{where} asks for {method}: Qua2SeDiMo trains candidates at 3 and 4 bits only, so loading this config fails there");
            if (!chosen.TryAdd(name, method))
                throw new InteropException($"{path}: {where} is given twice");
        }
        bag.ThrowIfErrors();
        var rules = new QuantRules(options.Model.Depth, new[] { new StepSpan(0, options.Steps - 1) });
        var byCell = new Dictionary<Cell, List<(string Name, Qua2SeDiMoMethod Method)>>();
        var unknown = new List<string>();
        foreach (var (name, method) in chosen)
        {
            var layerName = name.StartsWith(Prefix, System.StringComparison.Ordinal) && name.EndsWith(Suffix, System.StringComparison.Ordinal)
                ? name[Prefix.Length..^Suffix.Length]
                : null;
            if (layerName is null || names.Find(layerName) is not { } layer)
            {
                unknown.Add(name);
                continue;
            }
            if (!byCell.TryGetValue(layer.Cell, out var list))
                byCell[layer.Cell] = list = new();
            list.Add((name, method));
        }
        if (unknown.Count > 0)
            bag.Report(InteropDiagnostics.MatchesNothing, $"{unknown.Count} names match no weight quantizer of {options.ModelText} (Qua2SeDiMo stops with a KeyError): {ShortList.Join(", ", unknown, format: n => SafeText.Escape(n, 120))}");
        foreach (var (cell, entries) in byCell)
        {
            var distinct = entries.Select(e => e.Method).Distinct().ToList();
            var pick = distinct.OrderByDescending(m => m.Bits).First();
            if (distinct.Count > 1)
                bag.Report(InteropDiagnostics.PartsDiffer, $"{PlanCells.Name(cell)} is one QRecipe layer but the file gives its parts {ShortList.Join(", ", distinct, format: m => m.ToString())}; the recipe uses {pick} (the most bits)");
            rules.Set(0, cell, pick.Clause);
        }
        var missingNames = names.Layers.Where(l => !chosen.ContainsKey(Prefix + l.Name + Suffix)).Select(l => l.Name).ToList();
        if (missingNames.Count > 0)
        {
            bag.Comment($"{missingNames.Count} weight layers have no entry ({ShortList.Join(", ", missingNames)}); Qua2SeDiMo gives each the lowest-loss candidate of its warm-up run, which only a run knows. A layer with no entry for any of its parts stays FP here; a missing part takes the value of the layer's other parts.",
                InteropDiagnostics.NoEquivalent);
        }
        var activationBits = options.ActivationBits ?? 0;
        var writer = new RecipeWriter("Qua2SeDiMo per-layer config", path, options, options.Steps)
            .Lines(rules.Write("weights", "fp"))
            .Line(activationBits == 0 ? "activations fp" : $"activations int{activationBits} per-token asymmetric dynamic on all")
            .Unrepresented(bag.Comments);
        return new ImportResult(writer.ToString(), bag.Items);
    }

    internal static string Describe(object? value) => value switch
    {
        null => "None",
        string => "a string",
        long => "an integer",
        double => "a float",
        bool => "a boolean",
        List<object?> => "a list",
        PickleDict => "a dict",
        PickleTuple => "a tuple",
        _ => "a value",
    };
}
