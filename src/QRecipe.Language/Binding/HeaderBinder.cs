using System;
using System.Linq;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax;
using QRecipe.Language.Text;
using QRecipe.Plan;
using QRecipe.Plan.Models;

namespace QRecipe.Language.Binding;

/// <summary>Binds the header statements: recipe, model, sampler and calibrate.</summary>
internal sealed class HeaderBinder
{
    private static readonly string[] CSharpKeywords =
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };

    private readonly DiagnosticSink _sink;

    public HeaderBinder(DiagnosticSink sink) => _sink = sink;

    public (string? Name, string Description) BindRecipe(StatementSyntax statement)
    {
        var name = ((WordArgument)statement.Clauses[0].Arguments[0]).Word;
        var description = statement.Clauses.Count > 1 ? ((StringArgument)statement.Clauses[1].Arguments[0]).String.Value : string.Empty;
        var valid = name.Text.All(c => char.IsLetterOrDigit(c) || c == '_') && !char.IsDigit(name.Text[0]) && !CSharpKeywords.Contains(name.Text);
        if (!valid)
        {
            _sink.Report(DiagnosticCatalog.InvalidRecipeName, name.Span,
                $"recipe name '{name.Text}' is not a valid C# class name; use letters, digits and '_' in PascalCase, e.g. '{Pascal(name.Text)}'");
            return (null, description);
        }
        return (name.Text, description);
    }

    private static string Pascal(string text)
    {
        var parts = text.Split(new[] { '-', '/', '_' }, StringSplitOptions.RemoveEmptyEntries);
        var joined = string.Concat(parts.Select(p => char.ToUpperInvariant(p[0]) + p.Substring(1)));
        return joined.Length == 0 || char.IsDigit(joined[0]) ? "Recipe" + joined : joined;
    }

    public ModelSpec? BindModel(StatementSyntax statement)
    {
        var first = statement.Clauses[0];
        if (first.Name == "custom")
            return BindCustom(statement);
        var name = ((WordArgument)first.Arguments[0]).Word;
        var imageClause = statement.Clauses.Skip(1).FirstOrDefault(c => c.Name == "image");
        var categories = new ClauseCategories(_sink);
        foreach (var clause in statement.Clauses.Skip(1))
            categories.Claim(clause.Name, clause);
        var sizes = ModelCatalog.ImageSizesOf(name.Text);
        var image = sizes[0];
        if (imageClause is not null)
        {
            var number = ((NumberArgument)imageClause.Arguments[0]).Number;
            if (!number.IsInteger || number.IsPercent || !sizes.Contains((int)number.Value))
            {
                _sink.Report(DiagnosticCatalog.InvalidImageSize, number.Span,
                    $"image size {number.Text} is not available for {name.Text}; it exists for {string.Join(" and ", sizes)}");
                return null;
            }
            image = (int)number.Value;
        }
        var model = ModelCatalog.Find(name.Text, image);
        if (model is null)
        {
            _sink.Report(DiagnosticCatalog.UnknownModel, name.Span,
                $"unknown model '{name.Text}'{Suggestions.DidYouMean(name.Text, ModelCatalog.Names)}; known models are {string.Join(", ", ModelCatalog.Names)}, or 'custom {{ … }}'");
        }
        return model;
    }

    private ModelSpec? BindCustom(StatementSyntax statement)
    {
        var categories = new ClauseCategories(_sink);
        int? depth = null, hidden = null, heads = null, patch = null, latent = null;
        int? classes = 1000, channels = 4;
        var ok = true;
        foreach (var clause in statement.Clauses.Skip(1))
        {
            ok &= categories.Claim(clause.Name, clause);
            if (clause.Name == "image")
            {
                _sink.Report(DiagnosticCatalog.InvalidCustomModel, clause.Span, "a custom model gives its 'latent' size instead of 'image'");
                ok = false;
                continue;
            }
            var number = ((NumberArgument)clause.Arguments[0]).Number;
            int? Read(int min, int max) => _sink.Integer(number, min, max, DiagnosticCatalog.InvalidCustomModel, clause.Name);
            switch (clause.Name)
            {
                case "depth": depth = Read(1, 256); ok &= depth is not null; break;
                case "hidden": hidden = Read(1, 16384); ok &= hidden is not null; break;
                case "heads": heads = Read(1, 256); ok &= heads is not null; break;
                case "patch": patch = Read(1, 64); ok &= patch is not null; break;
                case "latent": latent = Read(1, 1024); ok &= latent is not null; break;
                case "classes": classes = Read(1, 1_000_000); ok &= classes is not null; break;
                case "channels": channels = Read(1, 64); ok &= channels is not null; break;
            }
        }
        var missing = new[] { ("depth", depth), ("hidden", hidden), ("heads", heads), ("patch", patch), ("latent", latent) }
            .Where(p => p.Item2 is null && statement.Clauses.All(c => c.Name != p.Item1)).Select(p => p.Item1).ToList();
        if (missing.Count > 0)
        {
            _sink.Report(DiagnosticCatalog.InvalidCustomModel, statement.Clauses[0].Span, $"custom model is missing {string.Join(", ", missing)}");
            return null;
        }
        if (!ok)
            return null;
        if (hidden!.Value % heads!.Value != 0)
        {
            _sink.Report(DiagnosticCatalog.InvalidCustomModel, statement.Span, $"hidden {hidden} is not divisible by heads {heads}");
            return null;
        }
        if (latent!.Value % patch!.Value != 0)
        {
            _sink.Report(DiagnosticCatalog.InvalidCustomModel, statement.Span, $"latent {latent} is not divisible by patch {patch}");
            return null;
        }
        return new ModelSpec("custom", depth!.Value, hidden.Value, heads.Value, patch.Value, latent.Value, classes!.Value, channels!.Value);
    }

    public SamplerSpec? BindSampler(StatementSyntax statement)
    {
        var kind = statement.Clauses[0].Name == "ddim" ? SamplerKind.Ddim : SamplerKind.Ddpm;
        var categories = new ClauseCategories(_sink);
        int? steps = null;
        double cfg = 1, eta = 0;
        long seed = 0;
        var ok = true;
        foreach (var clause in statement.Clauses.Skip(1))
        {
            ok &= categories.Claim(clause.Name, clause);
            var number = ((NumberArgument)clause.Arguments[0]).Number;
            switch (clause.Name)
            {
                case "steps":
                    steps = _sink.Integer(number, 1, 1000, DiagnosticCatalog.InvalidSampler, "steps");
                    ok &= steps is not null;
                    break;
                case "cfg":
                    var c = _sink.Real(number, 1, 100, DiagnosticCatalog.InvalidSampler, "cfg scale");
                    ok &= c is not null;
                    cfg = c ?? cfg;
                    break;
                case "seed":
                    var s = _sink.Integer(number, 0, int.MaxValue, DiagnosticCatalog.InvalidSampler, "seed");
                    ok &= s is not null;
                    seed = s ?? 0;
                    break;
                case "eta":
                    if (kind != SamplerKind.Ddim)
                    {
                        _sink.Report(DiagnosticCatalog.InvalidSampler, clause.Span, "'eta' applies to ddim; ddpm sampling always draws fresh noise");
                        ok = false;
                        break;
                    }
                    var e = _sink.Real(number, 0, 1, DiagnosticCatalog.InvalidSampler, "eta");
                    ok &= e is not null;
                    eta = e ?? 0;
                    break;
            }
        }
        if (steps is null && statement.Clauses.All(c => c.Name != "steps"))
        {
            _sink.Report(DiagnosticCatalog.InvalidSampler, statement.Clauses[0].Span, "sampler needs 'steps N' (1..1000); step selectors are checked against it");
            return null;
        }
        return ok ? new SamplerSpec(kind, steps!.Value, cfg, seed, eta) : null;
    }

    public CalibrationSpec? BindCalibration(StatementSyntax statement, SelectorBinder selectors, Dimension steps)
    {
        var categories = new ClauseCategories(_sink);
        var samples = 32;
        int? batch = null;
        var stepMask = Enumerable.Repeat(true, steps.Count).ToArray();
        var ok = true;
        foreach (var clause in statement.Clauses)
        {
            ok &= categories.Claim(clause.Name, clause);
            switch (clause.Name)
            {
                case "samples":
                    var n = _sink.Integer(((NumberArgument)clause.Arguments[0]).Number, 1, 100_000, DiagnosticCatalog.InvalidCalibration, "calibration samples");
                    ok &= n is not null;
                    samples = n ?? samples;
                    break;
                case "batch":
                    batch = _sink.Integer(((NumberArgument)clause.Arguments[0]).Number, 1, 100_000, DiagnosticCatalog.InvalidCalibration, "calibration batch");
                    ok &= batch is not null;
                    break;
                case "steps":
                    var mask = selectors.Resolve(((SelectorArgument)clause.Arguments[0]).Selector, steps);
                    ok &= mask is not null && mask.Contains(true);
                    stepMask = mask ?? stepMask;
                    break;
            }
        }
        if (batch > samples)
        {
            _sink.Report(DiagnosticCatalog.InvalidCalibration, statement.Clauses.First(c => c.Name == "batch").Span, $"calibration batch {batch} is larger than samples {samples}");
            ok = false;
        }
        var stepList = Enumerable.Range(0, stepMask.Length).Where(i => stepMask[i]).ToArray();
        return ok ? new CalibrationSpec(samples, new EquatableArray<int>(stepList), batch ?? Math.Min(samples, 16)) : null;
    }
}
