using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace QRecipe.Language.Tests;

/// <summary>
/// Seeded generator of valid recipes, built from the grammar in docs/language.md. It only combines settings the
/// reference allows (group sizes that divide every width, symmetric attention operands wherever per-head streams may
/// appear, one SC precision per recipe, one group count per operator), so every recipe it makes must compile without
/// errors. <see cref="Render"/> prints the canonical layout; with <c>noisy</c> it adds spacing, blank lines, comments
/// and <c>;</c> joins, and with <c>shuffled</c> it reorders the clauses the grammar leaves free.
/// </summary>
internal sealed class RandomRecipes
{
    /// <summary>A statement: fixed leading words, clauses in any order, and a body for <c>at</c>/<c>sc</c>.</summary>
    public sealed record Statement(string Head, IReadOnlyList<string> Clauses, IReadOnlyList<Statement>? Body = null);

    private static readonly string[] CatalogueModels = { "dit-xl/2", "dit-l/4", "dit-b/2", "dit-s/8", "dit-xl/8" };
    private static readonly Dictionary<string, (int Depth, int Heads)> Shapes = new()
    {
        ["dit-xl"] = (28, 16), ["dit-l"] = (24, 16), ["dit-b"] = (12, 12), ["dit-s"] = (12, 6),
    };
    // Output-row group counts that divide every operator's rows for hidden sizes that are multiples of 128.
    private static readonly Dictionary<string, int> GroupCounts = new() { ["qkv"] = 6, ["proj"] = 4, ["fc1"] = 8, ["fc2"] = 4 };

    private readonly Random _random;
    private int _depth;
    private int _heads;
    private int _steps;
    private int _precision;

    public RandomRecipes(int seed) => _random = new Random(seed);

    public IReadOnlyList<Statement> Next()
    {
        var statements = new List<Statement> { new("recipe", new[] { "R" + _random.Next(1000) }) };
        statements.Add(Model());
        _steps = _random.Next(1, 61);
        var sampler = new List<string> { "steps " + _steps, "cfg " + Pick("1", "1.5", "4"), "seed " + _random.Next(100) };
        var ddim = _random.Next(2) == 0;
        if (ddim)
            sampler.Add("eta " + Pick("0", "0.5", "1"));
        statements.Add(new Statement(ddim ? "sampler ddim" : "sampler ddpm", sampler));
        statements.Add(new Statement("calibrate", Subset("samples 16", "batch 4", "steps " + Selector(_steps, steps: true))));
        _precision = _random.Next(6, 11);
        var count = _random.Next(1, 9);
        for (var i = 0; i < count; i++)
            statements.Add(BodyStatement(depth: 0, allowSmooth: true));
        return statements;
    }

    private Statement Model()
    {
        if (_random.Next(4) == 0)
        {
            _depth = _random.Next(1, 7);
            _heads = Pick(1, 2, 4, 8);
            var hidden = 128 * _random.Next(1, 4);
            return new Statement("model custom {", new[] { $"depth {_depth}", $"hidden {hidden}", $"heads {_heads}", "patch 2", "latent 16", "classes 10" }.Concat(new[] { "}" }).ToArray());
        }
        var name = Pick(CatalogueModels);
        (_depth, _heads) = Shapes[name.Substring(0, name.IndexOf('/'))];
        return new Statement("model " + name, _random.Next(2) == 0 ? new[] { "image " + Pick("256", "512") } : Array.Empty<string>());
    }

    private Statement BodyStatement(int depth, bool allowSmooth)
    {
        switch (_random.Next(allowSmooth ? 6 : 5))
        {
            case 0: return Weights();
            case 1: return Activations();
            case 2: return ScSection();
            case 3 when depth < 3: return At(depth);
            case 4: return _random.Next(3) == 0 ? new Statement("sc off", Array.Empty<string>()) : Weights();
            case 5: return Smooth();
            default: return Activations();
        }
    }

    private Statement Weights()
    {
        if (_random.Next(8) == 0)
            return new Statement("weights", WithOn(new List<string> { "fp" }, Pick("linear", "mlp", "qkv, fc1", "final", "embed")));
        // The embedders read only channels·patch² = 16 inputs: no group size of ours divides that.
        var on = Pick("", "linear", "mlp", "attn", "qkv, proj", "fc2", "adaln", "embed, final");
        var clauses = new List<string> { "int" + _random.Next(2, 9) };
        var method = Pick("", "rtn", "mse", "gptq", "kmeans-c", "kmeans-a", "uaq");
        var granularity = method switch
        {
            "kmeans-a" => Pick("", "per-tensor"),
            "kmeans-c" or "uaq" => Pick("", "per-channel"),
            _ when on.Contains("embed") => Pick("", "per-channel", "per-tensor"),
            _ => Pick("", "per-channel", "per-tensor", "group " + Pick(32, 64, 128)),
        };
        clauses.AddRange(new[] { method, granularity, Pick("", "symmetric", "asymmetric") }.Where(c => c.Length > 0));
        return new Statement("weights", WithOn(clauses, on));
    }

    private Statement Activations()
    {
        // Attention operands stay symmetric so per-head streams (bipolar only) are always allowed.
        var on = Pick("", "all", "attn", "mlp", "linear", "qk, av", "fc1, fc2");
        var attention = on is "all" or "attn" or "qk, av";
        if (_random.Next(8) == 0)
            return new Statement("activations", WithOn(new List<string> { "fp" }, on));
        var clauses = new List<string> { "int" + _random.Next(2, 17) };
        if (!attention && _random.Next(4) == 0)
            clauses.AddRange(new[] { "static", Pick("", "per-tensor"), Pick("", "asymmetric") }.Where(c => c.Length > 0));
        else
        {
            var granularity = attention ? Pick("", "per-token", "per-tensor") : Pick("", "per-token", "per-tensor", "group " + Pick(32, 128));
            clauses.AddRange(new[] { granularity, attention ? Pick("", "symmetric") : Pick("", "symmetric", "asymmetric"), Pick("", "dynamic") }.Where(c => c.Length > 0));
        }
        return new Statement("activations", WithOn(clauses, on));
    }

    private Statement Smooth()
    {
        var clauses = _random.Next(3) switch
        {
            0 => new List<string> { "smoothquant", "alpha " + Pick("0", "0.5", "0.85", "1") },
            1 => new List<string> { "ditas", "alpha " + Pick("0.4", "0.6") },
            _ => new List<string> { "ditas", "alpha search " + Pick("0..1 by 0.05", "0.2..0.8 by 0.1"), "lowrank 8", "iterations 5" },
        };
        return new Statement("smooth " + clauses[0], WithOn(clauses.Skip(1).ToList(), Pick("", "qkv, fc1", "proj", "adaln, fc2")));
    }

    private Statement At(int depth)
    {
        var clauses = Subset("blocks " + Selector(_depth, steps: false), "steps " + Selector(_steps, steps: true), "on " + Pick("attn", "mlp", "fc1, fc2", "linear"));
        if (clauses.Count == 0)
            clauses.Add("blocks " + Selector(_depth, steps: false));
        var body = Enumerable.Range(0, _random.Next(1, 4)).Select(_ => BodyStatement(depth + 1, allowSmooth: false)).ToList();
        return new Statement("at", clauses, body);
    }

    private Statement ScSection()
    {
        var clauses = new List<string> { "precision " + _precision };
        clauses.AddRange(Subset("kernel enable", "debug", "noise local " + Pick("0", "0.15") + " global 0.6"));
        if (_random.Next(4) == 0)
            clauses.AddRange(new[] { "scramble random", "seed " + _random.Next(1000) });
        else if (_random.Next(2) == 0)
            clauses.Add("scramble " + Pick("bitrev", "counter", "off"));
        var rules = Enumerable.Range(0, _random.Next(1, 5)).Select(_ => _random.Next(4) == 0 ? MixedPrecisionRule() : StreamRule()).ToList();
        return new Statement("sc", clauses, rules);
    }

    private Statement StreamRule()
    {
        var ops = Pick("qk", "av", "qk, av", "attn", "mlp", "all", "qkv", "proj", "fc1", "fc2", "adaln");
        var clauses = Subset("blocks " + Selector(_depth, steps: false), "steps " + Selector(_steps, steps: true));
        if (ops is "qk" or "av" or "qk, av" && _random.Next(2) == 0)
            clauses.Add("heads " + Selector(_heads, steps: false));
        if (GroupCounts.TryGetValue(ops, out var groups) && _random.Next(2) == 0)
            clauses.Add($"groups {Selector(groups, steps: false)} of {groups}");
        clauses.Add(_random.Next(6) == 0 ? "off" : "stream " + 32 * _random.Next(1, (1 << _precision) / 32 + 1));
        return new Statement(ops, clauses);
    }

    private Statement MixedPrecisionRule()
    {
        var full = 1 << _precision;
        var (levels, fractions) = _random.Next(3) switch
        {
            0 => ($"{full} {full / 2}", "0.5 0.5"),
            1 => ($"{full} {full / 2} {full / 4}", "0.25 0.25 0.5"),
            _ => ($"{full} {full / 2} {full / 4} 0", "0.1 0.2 0.3 0.4"),
        };
        var clauses = Subset("blocks " + Selector(_depth, steps: false), "steps " + Selector(_steps, steps: true));
        clauses.Add("levels " + levels);
        clauses.Add("fractions " + fractions);
        return new Statement("mp " + Pick("qk, av", "fc1", "linear", "all"), clauses);
    }

    /// <summary>A selector over 0..count-1 that lists no index twice.</summary>
    private string Selector(int count, bool steps)
    {
        var edges = steps ? new[] { "first", "last", "noisiest", "cleanest" } : new[] { "first", "last" };
        var a = _random.Next(count);
        var b = _random.Next(a, count);
        switch (_random.Next(7))
        {
            case 0: return "all";
            case 1: return count > 1 ? $"all except {a}" : "all";
            case 2: return a.ToString();
            case 3: return $"{a}..{b}";
            case 4: return b + 1 < count ? $"{a}, {b + 1}..{count - 1}" : $"{a}";
            case 5: return $"{Pick(edges)} {_random.Next(1, count + 1)}";
            default: return $"{Pick(edges)} {_random.Next(1, 101)}%";
        }
    }

    private List<string> WithOn(List<string> clauses, string on)
    {
        if (on.Length > 0)
            clauses.Add("on " + on);
        return clauses;
    }

    private List<string> Subset(params string[] clauses) => clauses.Where(_ => _random.Next(2) == 0).ToList();

    private T Pick<T>(params T[] items) => items[_random.Next(items.Length)];

    /// <summary>Prints statements; canonical (the formatter's layout) unless <paramref name="noisy"/>.</summary>
    public static string Render(IReadOnlyList<Statement> statements, Random random, bool noisy, bool shuffled)
    {
        var text = new StringBuilder();
        Write(statements, 0, text, random, noisy, shuffled);
        return text.ToString();
    }

    private static void Write(IReadOnlyList<Statement> statements, int depth, StringBuilder text, Random random, bool noisy, bool shuffled)
    {
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            if (noisy && random.Next(5) == 0)
                text.Append(random.Next(2) == 0 ? "\n" : Indent(depth, noisy, random) + "// note " + i + " – ünïcode ok in comments\n");
            var clauses = statement.Clauses.ToList();
            // The first clause of recipe/smooth/sc-rule statements and custom model parameters are positional.
            if (shuffled && !statement.Head.StartsWith("model custom", StringComparison.Ordinal) && statement.Head != "recipe")
                clauses = clauses.OrderBy(_ => random.Next()).ToList();
            var words = new[] { statement.Head }.Concat(clauses).Select(w => noisy ? Noisy(w, random) : w);
            text.Append(Indent(depth, noisy, random)).Append(string.Join(noisy ? Spaces(random) : " ", words));
            if (statement.Body is not null)
            {
                text.Append(noisy ? Spaces(random) : " ").Append('{');
                if (noisy && random.Next(4) == 0)
                    text.Append(" // opens");
                text.Append('\n');
                Write(statement.Body, depth + 1, text, random, noisy, shuffled);
                text.Append(Indent(depth, noisy, random)).Append("}\n");
            }
            else if (noisy && random.Next(4) == 0 && i + 1 < statements.Count && statements[i + 1].Body is null && statements[i + 1].Head != "recipe")
                text.Append(';').Append(Spaces(random));
            else
                text.Append(noisy && random.Next(4) == 0 ? "   // trailing\n" : "\n");
        }
    }

    private static string Indent(int depth, bool noisy, Random random) => noisy ? new string(' ', random.Next(0, 5)) + (random.Next(4) == 0 ? "\t" : "") : new string(' ', 2 * depth);

    private static string Spaces(Random random) => random.Next(3) == 0 ? " \t " : random.Next(2) == 0 ? "  " : " ";

    /// <summary>Adds spacing the grammar ignores: around commas and range dots.</summary>
    private static string Noisy(string words, Random random) =>
        random.Next(2) == 0 ? words : words.Replace(", ", random.Next(2) == 0 ? " ,  " : ",").Replace("..", random.Next(2) == 0 ? " .. " : "..");
}
