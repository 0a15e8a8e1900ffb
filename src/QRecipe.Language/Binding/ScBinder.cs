using System;
using System.Linq;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax;
using QRecipe.Plan;

namespace QRecipe.Language.Binding;

/// <summary>Binds <c>sc</c> section headers and the stream, mixed-precision and range rules inside them.</summary>
internal sealed class ScBinder
{
    public const int MaxPrecision = 15;

    /// <summary>Below this stream length the XNOR and AND kernels are warned about (QR0616): their error is about
    /// 1/√L of full scale per input whatever the operands' size, measured 85–120% of the product at L = 16, 53–74% at 32
    /// and 22–39% at 64 on random operands (docs/sc-engine.md), where the enable kernel's is 22–24%, 13% and 7%.</summary>
    public const int LegacyMinStream = 64;

    private readonly DiagnosticSink _sink;

    public ScBinder(DiagnosticSink sink) => _sink = sink;

    /// <summary>The header of an <c>sc</c> section. Clauses it omits keep the values of <paramref name="inherited"/>
    /// (the last top-level section's header, or the defaults). Returns null for <c>sc off</c>.</summary>
    public (ScHeader? Header, bool Off, bool Ok) BindHeader(StatementSyntax statement, ScHeader inherited)
    {
        var categories = new ClauseCategories(_sink);
        var header = inherited;
        var off = false;
        var ok = true;
        foreach (var clause in statement.Clauses)
        {
            ok &= categories.Claim(clause.Name, clause);
            switch (clause.Name)
            {
                case "off":
                    off = true;
                    break;
                case "halve":
                    header = header with { Halve = true };
                    break;
                case "debug":
                    header = header with { Debug = true };
                    break;
                case "precision":
                    if (clause.Arguments[0] is WordArgument)
                        header = header with { Precision = null };
                    else
                    {
                        var p = _sink.Integer(Number(clause, 0), 1, MaxPrecision, DiagnosticCatalog.PrecisionOutOfRange, "SC precision");
                        ok &= p is not null;
                        header = header with { Precision = p ?? header.Precision };
                    }
                    break;
                case "kernel":
                    header = header with
                    {
                        Kernel = Word(clause, 0) switch { "xnor" => ScKernel.Xnor, "and" => ScKernel.And, _ => ScKernel.Enable },
                    };
                    break;
                case "scramble":
                    header = header with
                    {
                        Scramble = Word(clause, 0) switch
                        {
                            "counter" => ScScramble.Counter,
                            "off" => ScScramble.Off,
                            "random" => ScScramble.Random,
                            _ => ScScramble.Bitrev,
                        },
                    };
                    break;
                case "seed":
                    var seed = _sink.Integer(Number(clause, 0), 0, int.MaxValue, DiagnosticCatalog.InvalidNoise, "scramble seed");
                    ok &= seed is not null;
                    header = header with { Seed = seed ?? 0 };
                    break;
                case "chunk":
                    var chunk = _sink.Integer(Number(clause, 0), 1, 1 << 20, DiagnosticCatalog.InvalidChunk, "chunk size");
                    ok &= chunk is not null;
                    header = header with { Chunk = chunk ?? 0 };
                    break;
                case "noise":
                    var noise = BindNoise(clause);
                    ok &= noise is not null;
                    header = header with { Noise = noise };
                    break;
            }
        }
        // 'sc off off' has no other clause; its repeated 'off' is already QR0109 from the categories above.
        if (off && statement.Clauses.FirstOrDefault(c => c.Name != "off") is { } extra)
        {
            _sink.Report(DiagnosticCatalog.DuplicateClause, extra.Span, $"'{extra.Name}' has no effect with 'sc off'");
            ok = false;
        }
        if (off && statement.HasBody)
        {
            _sink.Report(DiagnosticCatalog.DuplicateClause, statement.HeaderSpan, "'sc off' takes no rules; remove the block or 'off'");
            ok = false;
        }
        if (header.Scramble != ScScramble.Random && statement.Clauses.FirstOrDefault(c => c.Name == "seed") is { } seedClause)
        {
            _sink.Report(DiagnosticCatalog.DuplicateClause, seedClause.Span, "'seed' only applies to 'scramble random'");
            ok = false;
        }
        return (off ? null : header, off, ok);
    }

    private NoiseModel? BindNoise(ClauseSyntax clause)
    {
        var local = NoiseModel.DefaultLocal;
        var global = NoiseModel.DefaultGlobal;
        var ok = true;
        for (var i = 0; i + 1 < clause.Arguments.Count; i += 2)
        {
            var value = _sink.Real(((NumberArgument)clause.Arguments[i + 1]).Number, 0, 100, DiagnosticCatalog.InvalidNoise, "noise coefficient");
            ok &= value is not null;
            if (((WordArgument)clause.Arguments[i]).Word.Text == "local")
                local = value ?? local;
            else
                global = value ?? global;
        }
        return ok ? new NoiseModel(local, global) : null;
    }

    /// <summary>The stream length of <c>stream L</c>: 1..2^precision (or 1..2^15 when precision is auto).</summary>
    public int? Stream(ClauseSyntax clause, ScHeader header)
    {
        var max = 1 << (header.Precision ?? MaxPrecision);
        var number = Number(clause, 0);
        var limit = header.Precision is { } p ? $"2^{p} = {max} (precision {p})" : $"2^{MaxPrecision} = {max}";
        if (number.IsTooLarge || number.IsPercent || !number.IsInteger)
            return _sink.Integer(number, 1, max, DiagnosticCatalog.StreamOutOfRange, "stream length");
        if (number.Value < 1 || number.Value > max)
        {
            _sink.Report(DiagnosticCatalog.StreamOutOfRange, number.Span, $"stream length {number.Text} is outside 1..{limit}");
            return null;
        }
        var stream = (int)number.Value;
        if (header.Kernel == ScKernel.Enable && stream % 32 != 0)
        {
            _sink.Report(DiagnosticCatalog.StreamNotMultipleOf32, number.Span,
                $"stream length {stream} is not a multiple of 32; the compact enable kernel skips the last {stream % 32} stream bits while normalising by {stream}");
        }
        WarnIfShortForLegacy(header, stream, number, "stream length");
        return stream;
    }

    /// <summary>Binds <c>levels …</c> with <c>fractions …</c> (quantile classes) or <c>adaptive [alpha A] [beta B]</c>
    /// (threshold classes) of an <c>mp</c> rule.</summary>
    public MixedPrecision? BindMixedPrecision(StatementSyntax statement, ScHeader header)
    {
        var levelsClause = statement.Clauses.FirstOrDefault(c => c.Name == "levels");
        var fractionsClause = statement.Clauses.FirstOrDefault(c => c.Name == "fractions");
        var adaptiveClause = statement.Clauses.FirstOrDefault(c => c.Name == "adaptive");
        var thresholdClauses = statement.Clauses.Where(c => c.Name is "alpha" or "beta").ToList();
        if (fractionsClause is not null && adaptiveClause is not null)
        {
            _sink.Report(DiagnosticCatalog.ConflictingRowPolicies, adaptiveClause.Span,
                "'fractions' and 'adaptive' are two row-classification policies; an operator's cell takes one: remove 'fractions' or 'adaptive'");
            return null;
        }
        if (adaptiveClause is null && thresholdClauses.Count > 0)
        {
            _sink.Report(DiagnosticCatalog.InvalidThresholdMixedPrecision, thresholdClauses[0].Span,
                $"'{thresholdClauses[0].Name}' sets the threshold of adaptive mixed precision; add 'adaptive' or remove it");
            return null;
        }
        if (levelsClause is null || fractionsClause is null && adaptiveClause is null)
        {
            _sink.Report(DiagnosticCatalog.LevelFractionCountMismatch, statement.HeaderSpan,
                $"'mp' needs {(levelsClause is null ? "'levels L1 L2 …'" : "'fractions F1 F2 …' or 'adaptive'")}");
            return null;
        }
        var levels = BindLevels(levelsClause, header, "mixed-precision level", out var ok);
        if (adaptiveClause is not null)
        {
            ok &= AtLeastTwoLevels(levelsClause, levels, "adaptive mixed precision");
            var alpha = Coefficient(statement, "alpha", AdaptiveThreshold.DefaultAlpha, ref ok);
            var beta = Coefficient(statement, "beta", AdaptiveThreshold.DefaultBeta, ref ok);
            return ok ? new MixedPrecision(new EquatableArray<int>(levels), EquatableArray<double>.Empty, new AdaptiveThreshold(alpha, beta)) : null;
        }
        var fractions = fractionsClause!.Arguments.Cast<NumberArgument>().Select(a =>
        {
            var fraction = _sink.Real(a.Number, 0, 1, DiagnosticCatalog.FractionOutOfRange, "fraction");
            ok &= fraction is not null;
            return fraction ?? 0;
        }).ToArray();
        if (levels.Length != fractions.Length)
        {
            _sink.Report(DiagnosticCatalog.LevelFractionCountMismatch, fractionsClause.Span, $"{fractions.Length} fractions for {levels.Length} levels; give one fraction per level");
            return null;
        }
        var sum = fractions.Sum();
        if (ok && Math.Abs(sum - 1) > 1e-6)
        {
            _sink.Report(DiagnosticCatalog.FractionsDoNotSumToOne, fractionsClause.Span,
                $"fractions sum to {DiagnosticSink.Format(sum)} (levels {string.Join(" ", levels)}); they must sum to 1 (±1e-6)");
            ok = false;
        }
        return ok ? new MixedPrecision(new EquatableArray<int>(levels), new EquatableArray<double>(fractions)) : null;
    }

    /// <summary>Binds <c>levels …</c>, <c>threshold T</c> and <c>group G</c> of a <c>range</c> rule. The group size is
    /// checked against each operator's rows by the caller.</summary>
    public RangeMixedPrecision? BindRange(StatementSyntax statement, ScHeader header)
    {
        var levelsClause = statement.Clauses.FirstOrDefault(c => c.Name == "levels");
        var groupClause = statement.Clauses.FirstOrDefault(c => c.Name == "group");
        if (levelsClause is null || groupClause is null)
        {
            _sink.Report(DiagnosticCatalog.InvalidThresholdMixedPrecision, statement.HeaderSpan,
                $"'range' needs {(levelsClause is null ? "'levels L1 L2 …'" : "'group G' (output rows per group; 0 for one group)")}");
            return null;
        }
        var levels = BindLevels(levelsClause, header, "range level", out var ok);
        ok &= AtLeastTwoLevels(levelsClause, levels, "range mixed precision");
        var threshold = RangeMixedPrecision.DefaultThreshold;
        if (statement.Clauses.FirstOrDefault(c => c.Name == "threshold") is { } thresholdClause)
        {
            var value = _sink.Real(Number(thresholdClause, 0), 0, 1, DiagnosticCatalog.InvalidThresholdMixedPrecision, "range threshold");
            ok &= value is not null;
            threshold = value ?? threshold;
        }
        var group = _sink.Integer(Number(groupClause, 0), 0, int.MaxValue, DiagnosticCatalog.InvalidRangeGroups, "range group size");
        ok &= group is not null;
        return ok ? new RangeMixedPrecision(new EquatableArray<int>(levels), threshold, group ?? 0) : null;
    }

    /// <summary>Levels 0..2^precision (0 prunes), strictly descending (QR0605).</summary>
    private int[] BindLevels(ClauseSyntax levelsClause, ScHeader header, string what, out bool ok)
    {
        var valid = true;
        var max = 1 << (header.Precision ?? MaxPrecision);
        var levels = levelsClause.Arguments.Cast<NumberArgument>().Select(a =>
        {
            var level = _sink.Integer(a.Number, 0, max, DiagnosticCatalog.LevelOutOfRange, what);
            valid &= level is not null;
            // Level 0 prunes rows: no stream at all.
            if (level > 0)
                WarnIfShortForLegacy(header, level.Value, a.Number, what);
            return level ?? 0;
        }).ToArray();
        for (var i = 1; i < levels.Length; i++)
        {
            if (levels[i] >= levels[i - 1])
            {
                _sink.Report(DiagnosticCatalog.LevelsNotDescending, levelsClause.Span,
                    $"levels {string.Join(" ", levels)} must be strictly descending; unsorted levels give the longest stream to the least important rows");
                valid = false;
                break;
            }
        }
        ok = valid;
        return levels;
    }

    /// <summary>Threshold classes put the rows at or above the threshold at the first level and split the rest over the
    /// others, so they need two levels at least (QR0617).</summary>
    private bool AtLeastTwoLevels(ClauseSyntax levelsClause, int[] levels, string what)
    {
        if (levels.Length >= 2)
            return true;
        _sink.Report(DiagnosticCatalog.InvalidThresholdMixedPrecision, levelsClause.Span,
            $"{what} needs at least two levels (the rows at or above the threshold take the first, the others share the rest); got {levels.Length}");
        return false;
    }

    /// <summary><c>alpha A</c> or <c>beta B</c> of an adaptive rule, in [−1, 1] (QR0617), or its default.</summary>
    private double Coefficient(StatementSyntax statement, string name, double fallback, ref bool ok)
    {
        if (statement.Clauses.FirstOrDefault(c => c.Name == name) is not { } clause)
            return fallback;
        var value = _sink.Real(Number(clause, 0), -1, 1, DiagnosticCatalog.InvalidThresholdMixedPrecision, "adaptive " + name);
        ok &= value is not null;
        return value ?? fallback;
    }

    /// <summary>QR0616 for a stream shorter than <see cref="LegacyMinStream"/> under the XNOR or AND kernel.</summary>
    private void WarnIfShortForLegacy(ScHeader header, int stream, NumberSyntax number, string what)
    {
        if (header.Kernel == ScKernel.Enable || stream >= LegacyMinStream)
            return;
        var kernel = header.Kernel == ScKernel.Xnor ? "xnor" : "and";
        _sink.Report(DiagnosticCatalog.LegacyKernelShortStream, number.Span,
            $"{what} {stream} with kernel {kernel}: a bitstream product's error is about 1/sqrt(L) of full scale per input whatever the operands' size, half the product or more below {LegacyMinStream} (85–120% at 16 and 53–74% at 32 on random operands, against 13–24% with kernel enable); use 'kernel enable' or at least {LegacyMinStream}");
    }

    private static NumberSyntax Number(ClauseSyntax clause, int index) => ((NumberArgument)clause.Arguments[index]).Number;

    private static string Word(ClauseSyntax clause, int index) => ((WordArgument)clause.Arguments[index]).Word.Text;
}
