using System;
using System.Linq;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax;
using QRecipe.Plan;

namespace QRecipe.Language.Binding;

/// <summary>Binds <c>sc</c> section headers and the stream and mixed-precision rules inside them.</summary>
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

    /// <summary>Binds <c>levels …</c> and <c>fractions …</c> of an <c>mp</c> rule.</summary>
    public MixedPrecision? BindMixedPrecision(StatementSyntax statement, ScHeader header)
    {
        var levelsClause = statement.Clauses.FirstOrDefault(c => c.Name == "levels");
        var fractionsClause = statement.Clauses.FirstOrDefault(c => c.Name == "fractions");
        if (levelsClause is null || fractionsClause is null)
        {
            _sink.Report(DiagnosticCatalog.LevelFractionCountMismatch, statement.HeaderSpan,
                $"'mp' needs {(levelsClause is null ? "'levels L1 L2 …'" : "'fractions F1 F2 …'")}");
            return null;
        }
        var ok = true;
        var max = 1 << (header.Precision ?? MaxPrecision);
        var levels = levelsClause.Arguments.Cast<NumberArgument>().Select(a =>
        {
            var level = _sink.Integer(a.Number, 0, max, DiagnosticCatalog.LevelOutOfRange, "mixed-precision level");
            ok &= level is not null;
            // Level 0 prunes rows: no stream at all.
            if (level > 0)
                WarnIfShortForLegacy(header, level.Value, a.Number, "mixed-precision level");
            return level ?? 0;
        }).ToArray();
        var fractions = fractionsClause.Arguments.Cast<NumberArgument>().Select(a =>
        {
            var fraction = _sink.Real(a.Number, 0, 1, DiagnosticCatalog.FractionOutOfRange, "fraction");
            ok &= fraction is not null;
            return fraction ?? 0;
        }).ToArray();
        for (var i = 1; i < levels.Length; i++)
        {
            if (levels[i] >= levels[i - 1])
            {
                _sink.Report(DiagnosticCatalog.LevelsNotDescending, levelsClause.Span,
                    $"levels {string.Join(" ", levels)} must be strictly descending; unsorted levels give the longest stream to the least important rows");
                ok = false;
                break;
            }
        }
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
