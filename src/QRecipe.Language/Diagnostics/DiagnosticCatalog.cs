using System.Collections.Generic;
using static QRecipe.Language.Diagnostics.DiagnosticSeverity;

namespace QRecipe.Language.Diagnostics;

/// <summary>Every diagnostic the language can report. IDs are stable: never renumber, only add.
/// docs/diagnostics.md documents each one.</summary>
public static class DiagnosticCatalog
{
    // Declared first: static initialisers run in text order and every descriptor below registers itself here.
    private static readonly List<DiagnosticDescriptor> s_all = new();

    public static IReadOnlyList<DiagnosticDescriptor> All => s_all;

    // QR00xx: syntax
    public static readonly DiagnosticDescriptor SyntaxError = New("QR0001", Error, "Syntax error", "Syntax");
    public static readonly DiagnosticDescriptor UnknownKeyword = New("QR0002", Error, "Unknown keyword", "Syntax");
    public static readonly DiagnosticDescriptor UnterminatedString = New("QR0003", Error, "Unterminated string", "Syntax");
    public static readonly DiagnosticDescriptor NestingTooDeep = New("QR0004", Error, "Blocks nested too deeply", "Syntax");
    public static readonly DiagnosticDescriptor InvalidCharacter = New("QR0005", Error, "Invalid character", "Syntax");
    public static readonly DiagnosticDescriptor NumberOutOfRange = New("QR0006", Error, "Number too large", "Syntax");
    public static readonly DiagnosticDescriptor UnbalancedBraces = New("QR0007", Error, "Unbalanced braces", "Syntax");
    public static readonly DiagnosticDescriptor UnsafeCharacter = New("QR0008", Error, "Control, line-separator or bidirectional character in a string or comment", "Syntax");

    // QR01xx: header (recipe, model, sampler, calibrate) and statement structure
    public static readonly DiagnosticDescriptor MissingRecipeHeader = New("QR0100", Error, "Missing recipe header", "Header");
    public static readonly DiagnosticDescriptor InvalidRecipeName = New("QR0101", Error, "Recipe name is not a valid class name", "Header");
    public static readonly DiagnosticDescriptor MissingModel = New("QR0102", Error, "Missing model", "Header");
    public static readonly DiagnosticDescriptor UnknownModel = New("QR0103", Error, "Unknown model", "Header");
    public static readonly DiagnosticDescriptor InvalidImageSize = New("QR0104", Error, "Unsupported image size", "Header");
    public static readonly DiagnosticDescriptor InvalidCustomModel = New("QR0105", Error, "Invalid custom model", "Header");
    public static readonly DiagnosticDescriptor MissingSampler = New("QR0106", Error, "Missing sampler", "Header");
    public static readonly DiagnosticDescriptor InvalidSampler = New("QR0107", Error, "Invalid sampler setting", "Header");
    public static readonly DiagnosticDescriptor DuplicateStatement = New("QR0108", Error, "Statement given twice", "Header");
    public static readonly DiagnosticDescriptor DuplicateClause = New("QR0109", Error, "Clause given twice or conflicting", "Header");
    public static readonly DiagnosticDescriptor MisplacedStatement = New("QR0110", Error, "Statement not allowed here", "Header");
    public static readonly DiagnosticDescriptor InvalidCalibration = New("QR0111", Error, "Invalid calibration setting", "Header");

    // QR02xx: selectors
    public static readonly DiagnosticDescriptor BlockOutOfRange = New("QR0200", Error, "Block index outside the model", "Selector");
    public static readonly DiagnosticDescriptor StepOutOfRange = New("QR0201", Error, "Step index outside the sampler", "Selector");
    public static readonly DiagnosticDescriptor HeadOutOfRange = New("QR0202", Error, "Head index outside the model", "Selector");
    public static readonly DiagnosticDescriptor GroupOutOfRange = New("QR0203", Error, "Group index outside the group count", "Selector");
    public static readonly DiagnosticDescriptor ReversedRange = New("QR0204", Error, "Reversed range", "Selector");
    public static readonly DiagnosticDescriptor PercentOutOfRange = New("QR0205", Error, "Percentage outside 0..100", "Selector");
    public static readonly DiagnosticDescriptor EmptySelection = New("QR0206", Warning, "Selector selects nothing", "Selector");
    public static readonly DiagnosticDescriptor TooManyHeads = New("QR0207", Error, "More heads listed than the model has", "Selector");
    public static readonly DiagnosticDescriptor CountOutOfRange = New("QR0208", Error, "first/last count larger than the set", "Selector");
    public static readonly DiagnosticDescriptor DuplicateIndex = New("QR0209", Warning, "Index listed twice", "Selector");
    public static readonly DiagnosticDescriptor HeadsOnHeadlessOperator = New("QR0210", Error, "Per-head setting on an operator without heads", "Selector");
    public static readonly DiagnosticDescriptor InvalidGroups = New("QR0211", Error, "Output-row groups do not fit the operator", "Selector");
    public static readonly DiagnosticDescriptor InconsistentGroupCount = New("QR0212", Error, "Operator split into different group counts", "Selector");
    public static readonly DiagnosticDescriptor SmoothingVariesByStep = New("QR0213", Error, "Smoothing cannot change by step", "Selector");

    // QR03xx: operators
    public static readonly DiagnosticDescriptor UnknownOperator = New("QR0300", Error, "Unknown operator", "Operator");
    public static readonly DiagnosticDescriptor WeightsOnWeightlessOperator = New("QR0301", Error, "Operator has no weights", "Operator");
    public static readonly DiagnosticDescriptor ScOnGlobalOperator = New("QR0302", Error, "SC not supported on this operator", "Operator");
    public static readonly DiagnosticDescriptor SmoothingOnWeightlessOperator = New("QR0303", Error, "Smoothing needs a weight layer", "Operator");
    public static readonly DiagnosticDescriptor DuplicateOperator = New("QR0304", Warning, "Operator listed twice", "Operator");

    // QR04xx: quantization
    public static readonly DiagnosticDescriptor BitsOutOfRange = New("QR0400", Error, "Bit width not supported", "Quantization");
    public static readonly DiagnosticDescriptor GroupSizeDoesNotDivide = New("QR0401", Error, "Group size does not divide the input width", "Quantization");
    public static readonly DiagnosticDescriptor StaticSymmetric = New("QR0402", Error, "Static activation ranges must be asymmetric", "Quantization");
    public static readonly DiagnosticDescriptor CalibrationRequired = New("QR0403", Error, "Calibration required", "Quantization");
    public static readonly DiagnosticDescriptor InvalidGranularity = New("QR0404", Error, "Granularity not valid here", "Quantization");
    public static readonly DiagnosticDescriptor StaticNotPerTensor = New("QR0405", Error, "Static activation ranges are per-tensor", "Quantization");
    public static readonly DiagnosticDescriptor MethodConflict = New("QR0406", Error, "Quantization method does not fit the other settings", "Quantization");

    // QR05xx: smoothing
    public static readonly DiagnosticDescriptor AlphaOutOfRange = New("QR0500", Error, "Smoothing alpha outside [0, 1]", "Smoothing");
    public static readonly DiagnosticDescriptor InvalidAlphaSearch = New("QR0501", Error, "Invalid alpha search grid", "Smoothing");
    public static readonly DiagnosticDescriptor DitasOnlyOption = New("QR0502", Error, "Option needs DiTAS smoothing", "Smoothing");
    public static readonly DiagnosticDescriptor InvalidLowRank = New("QR0503", Error, "Invalid low-rank compensation", "Smoothing");
    public static readonly DiagnosticDescriptor MissingAlpha = New("QR0504", Error, "Smoothing strength missing", "Smoothing");

    // QR06xx: stochastic computing
    public static readonly DiagnosticDescriptor PrecisionOutOfRange = New("QR0600", Error, "SC precision outside 1..15", "SC");
    public static readonly DiagnosticDescriptor StreamOutOfRange = New("QR0601", Error, "Stream length outside 1..2^precision", "SC");
    public static readonly DiagnosticDescriptor StreamNotMultipleOf32 = New("QR0602", Warning, "Stream length not a multiple of 32", "SC");
    public static readonly DiagnosticDescriptor FractionOutOfRange = New("QR0603", Error, "Fraction outside [0, 1]", "SC");
    public static readonly DiagnosticDescriptor FractionsDoNotSumToOne = New("QR0604", Error, "Mixed-precision fractions do not sum to 1", "SC");
    public static readonly DiagnosticDescriptor LevelsNotDescending = New("QR0605", Error, "Mixed-precision levels not strictly descending", "SC");
    public static readonly DiagnosticDescriptor LevelFractionCountMismatch = New("QR0606", Error, "Level and fraction counts differ", "SC");
    public static readonly DiagnosticDescriptor LevelOutOfRange = New("QR0607", Error, "Mixed-precision level outside 0..2^precision", "SC");
    public static readonly DiagnosticDescriptor XnorNeedsSymmetric = New("QR0608", Error, "XNOR kernel needs symmetric operands", "SC");
    public static readonly DiagnosticDescriptor AndNeedsAsymmetric = New("QR0609", Error, "AND kernel needs asymmetric operands", "SC");
    public static readonly DiagnosticDescriptor ScWithFloatActivations = New("QR0610", Warning, "SC on an operator whose activations are kept FP", "SC");
    public static readonly DiagnosticDescriptor InvalidChunk = New("QR0611", Error, "Chunking not possible here", "SC");
    public static readonly DiagnosticDescriptor HalveNeedsBipolar = New("QR0612", Error, "Stream halving needs bipolar operands", "SC");
    public static readonly DiagnosticDescriptor InvalidNoise = New("QR0613", Error, "Invalid noise-model coefficient", "SC");
    public static readonly DiagnosticDescriptor PerHeadNeedsBipolar = New("QR0614", Error, "Per-head SC needs bipolar operands", "SC");
    public static readonly DiagnosticDescriptor MixedPrecisionWithoutSc = New("QR0615", Warning, "Mixed precision where SC is off", "SC");
    public static readonly DiagnosticDescriptor LegacyKernelShortStream = New("QR0616", Warning, "XNOR/AND kernel on a short stream", "SC");
    public static readonly DiagnosticDescriptor InvalidThresholdMixedPrecision = New("QR0617", Error, "Invalid adaptive or range mixed-precision setting", "SC");
    public static readonly DiagnosticDescriptor ConflictingRowPolicies = New("QR0618", Error, "Two row-classification policies for one cell", "SC");
    public static readonly DiagnosticDescriptor InvalidRangeGroups = New("QR0619", Error, "Range groups do not fit the operator", "SC");
    public static readonly DiagnosticDescriptor RangeWithExplicitGroups = New("QR0620", Error, "Range rule on a cell with explicit output-row group streams", "SC");

    // QR07xx: rule cascade
    public static readonly DiagnosticDescriptor RuleShadowed = New("QR0700", Warning, "Rule overridden everywhere by later rules", "Cascade");

    // QR08xx: compilation of several recipes (reported by the source generator and the CLI)
    public static readonly DiagnosticDescriptor DuplicateRecipeName = New("QR0800", Error, "Two recipes share a name", "Compilation");
    public static readonly DiagnosticDescriptor UnreadableFile = New("QR0801", Error, "Recipe file cannot be read", "Compilation");

    // QR10xx: the search space of a tune section (qrecipe tune, docs/tune.md)
    public static readonly DiagnosticDescriptor InvalidTuneChoices = New("QR1000", Error, "Invalid tune choices", "Tune");
    public static readonly DiagnosticDescriptor InvalidTuneBudget = New("QR1001", Error, "Invalid tune budget", "Tune");
    public static readonly DiagnosticDescriptor InvalidTuneSetting = New("QR1002", Error, "Invalid tune setting", "Tune");
    public static readonly DiagnosticDescriptor TuneAspectDoesNotApply = New("QR1003", Error, "Tune rule does not fit its operators", "Tune");
    public static readonly DiagnosticDescriptor TuneSelectsNothing = New("QR1004", Warning, "Tune section or rule selects no cell", "Tune");
    public static readonly DiagnosticDescriptor TuneStreamWithoutSc = New("QR1005", Error, "Stream tuning where the base recipe has no single SC setting", "Tune");
    public static readonly DiagnosticDescriptor TuneRulesOverlap = New("QR1006", Error, "Two tune rules choose the same cell", "Tune");

    private static DiagnosticDescriptor New(string id, DiagnosticSeverity severity, string title, string category)
    {
        var descriptor = new DiagnosticDescriptor(id, severity, title, category);
        s_all.Add(descriptor);
        return descriptor;
    }
}
