using System.Linq;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax;
using QRecipe.Plan;

namespace QRecipe.Language.Binding;

/// <summary>Binds the clauses of <c>weights</c> and <c>activations</c> statements into quantizer settings.</summary>
internal sealed class QuantizerBinder
{
    public const int MinBits = 2;
    public const int MaxWeightBits = 8;
    public const int MaxActivationBits = 16;

    private readonly DiagnosticSink _sink;

    public QuantizerBinder(DiagnosticSink sink) => _sink = sink;

    private sealed class Parts
    {
        public int? Bits;
        public bool Float;
        public Granularity? Granularity;
        public int GroupSize;
        public ClauseSyntax? GroupClause;
        public bool? Symmetric;
        public ClauseSyntax? SymmetryClause;
        public WeightMethod? Method;
        public ClauseSyntax? MethodClause;
        public bool? Static;
        public ClauseSyntax? StaticClause;
        public ClauseSyntax? GranularityClause;
        public bool Ok = true;
    }

    /// <summary>Reads the clauses shared by both statements. Operator lists (<c>on</c>) are handled by the caller.</summary>
    private Parts Read(StatementSyntax statement, int maxBits, string what)
    {
        var parts = new Parts();
        var categories = new ClauseCategories(_sink);
        foreach (var clause in statement.Clauses)
        {
            var name = clause.Name;
            if (name == "on")
            {
                categories.Claim("operator list", clause);
                continue;
            }
            if (name == "fp" || name.StartsWith("int", System.StringComparison.Ordinal))
            {
                if (!categories.Claim("bit width", clause))
                {
                    parts.Ok = false;
                    continue;
                }
                if (name == "fp")
                {
                    parts.Float = true;
                    continue;
                }
                var bits = int.TryParse(name.Substring(3), out var b) ? b : int.MaxValue;
                if (bits < MinBits || bits > maxBits)
                {
                    _sink.Report(DiagnosticCatalog.BitsOutOfRange, clause.Span, $"{what} bit width {name} is not supported; use int{MinBits}..int{maxBits} or fp");
                    parts.Ok = false;
                }
                else
                    parts.Bits = bits;
                continue;
            }
            switch (name)
            {
                case "per-tensor" or "per-channel" or "per-token" or "group":
                    if (!categories.Claim("granularity", clause))
                    {
                        parts.Ok = false;
                        break;
                    }
                    parts.GranularityClause = clause;
                    parts.Granularity = name switch
                    {
                        "per-tensor" => Granularity.PerTensor,
                        "per-channel" => Granularity.PerChannel,
                        "per-token" => Granularity.PerToken,
                        _ => Granularity.Group,
                    };
                    if (name == "group")
                    {
                        parts.GroupClause = clause;
                        var size = _sink.Integer(((NumberArgument)clause.Arguments[0]).Number, 1, 1 << 20, DiagnosticCatalog.GroupSizeDoesNotDivide, "group size");
                        if (size is null)
                            parts.Ok = false;
                        else
                            parts.GroupSize = size.Value;
                    }
                    break;
                case "symmetric" or "asymmetric":
                    parts.Ok &= categories.Claim("symmetry", clause);
                    parts.Symmetric = name == "symmetric";
                    parts.SymmetryClause = clause;
                    break;
                case "dynamic" or "static":
                    parts.Ok &= categories.Claim("range mode", clause);
                    parts.Static = name == "static";
                    parts.StaticClause = clause;
                    break;
                default:
                    parts.Ok &= categories.Claim("method", clause);
                    parts.MethodClause = clause;
                    parts.Method = name switch
                    {
                        "rtn" => WeightMethod.Rtn,
                        "mse" => WeightMethod.Mse,
                        "gptq" => WeightMethod.Gptq,
                        "kmeans-c" => WeightMethod.KMeansC,
                        "kmeans-a" => WeightMethod.KMeansA,
                        _ => WeightMethod.Uaq,
                    };
                    break;
            }
        }
        if (parts.Bits is null && !parts.Float && parts.Ok)
        {
            var span = statement.Keyword!.Span;
            _sink.Report(DiagnosticCatalog.BitsOutOfRange, span, $"'{statement.Keyword.Text}' needs a bit width: int{MinBits}..int{maxBits} or fp");
            parts.Ok = false;
        }
        if (parts.Float)
        {
            var extra = statement.Clauses.FirstOrDefault(c => c.Name is not ("fp" or "on"));
            if (extra is not null)
            {
                _sink.Report(DiagnosticCatalog.DuplicateClause, extra.Span, $"'{extra.Name}' has no effect on fp {what}; remove it");
                parts.Ok = false;
            }
        }
        return parts;
    }

    public WeightQuant? BindWeights(StatementSyntax statement)
    {
        var parts = Read(statement, MaxWeightBits, "weight");
        if (parts.Float)
            return parts.Ok ? WeightQuant.Float : null;
        if (parts.Granularity == Granularity.PerToken)
            Invalid(parts.GranularityClause!, "'per-token' applies to activations; weights are per-tensor, per-channel or group G", ref parts.Ok);
        if (parts.StaticClause is not null)
            Invalid(parts.StaticClause, $"'{parts.StaticClause.Name}' applies to activations; weights are quantized once", ref parts.Ok);
        var method = parts.Method ?? WeightMethod.Rtn;
        var granularity = parts.Granularity ?? (method == WeightMethod.KMeansA ? Granularity.PerTensor : Granularity.PerChannel);
        if (method == WeightMethod.KMeansA && granularity != Granularity.PerTensor)
            Conflict(parts, "kmeans-a clusters the whole tensor; it cannot be combined with " + Describe(granularity, parts.GroupSize));
        if (method is WeightMethod.KMeansC or WeightMethod.Uaq && granularity != Granularity.PerChannel)
            Conflict(parts, $"{WeightQuant.MethodText(method)} works per output channel; it cannot be combined with " + Describe(granularity, parts.GroupSize));
        return parts.Ok ? new WeightQuant(parts.Bits!.Value, granularity, parts.GroupSize, parts.Symmetric ?? true, method) : null;
    }

    public ActivationQuant? BindActivations(StatementSyntax statement)
    {
        var parts = Read(statement, MaxActivationBits, "activation");
        if (parts.Float)
            return parts.Ok ? ActivationQuant.Float : null;
        if (parts.Granularity == Granularity.PerChannel)
            Invalid(parts.GranularityClause!, "'per-channel' applies to weights; activations are per-tensor, per-token or group G", ref parts.Ok);
        if (parts.MethodClause is not null)
            Invalid(parts.MethodClause, $"'{parts.MethodClause.Name}' is a weight quantization method; activations are quantized to nearest", ref parts.Ok);
        var isStatic = parts.Static ?? false;
        if (isStatic && parts.Symmetric == true)
        {
            _sink.Report(DiagnosticCatalog.StaticSymmetric, parts.SymmetryClause!.Span,
                "static activation quantization uses asymmetric calibrated ranges (as Q-DiT); remove 'symmetric' or use 'dynamic'");
            parts.Ok = false;
        }
        if (isStatic && parts.Granularity is { } g && g != Granularity.PerTensor)
        {
            _sink.Report(DiagnosticCatalog.StaticNotPerTensor, parts.GranularityClause!.Span,
                $"static activation ranges are calibrated per tensor; '{parts.GranularityClause!.Name}' needs 'dynamic'");
            parts.Ok = false;
        }
        var granularity = parts.Granularity ?? (isStatic ? Granularity.PerTensor : Granularity.PerToken);
        var symmetric = parts.Symmetric ?? !isStatic;
        return parts.Ok ? new ActivationQuant(parts.Bits!.Value, granularity, parts.GroupSize, symmetric, isStatic) : null;
    }

    private void Invalid(ClauseSyntax clause, string message, ref bool ok)
    {
        _sink.Report(DiagnosticCatalog.InvalidGranularity, clause.Span, message);
        ok = false;
    }

    private void Conflict(Parts parts, string message)
    {
        _sink.Report(DiagnosticCatalog.MethodConflict, parts.MethodClause!.Span, message);
        parts.Ok = false;
    }

    private static string Describe(Granularity granularity, int groupSize) => granularity switch
    {
        Granularity.PerTensor => "'per-tensor'",
        Granularity.PerChannel => "'per-channel'",
        Granularity.PerToken => "'per-token'",
        _ => $"'group {groupSize}'",
    };
}
