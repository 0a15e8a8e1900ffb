using System.Collections.Generic;
using System.Globalization;
using System.Text;
using QRecipe.Plan;
using QRecipe.Runtime.Execution;

namespace QRecipe.Cli.Run;

/// <summary><c>debug_sc.csv</c>: one row per (step, block, operator) of the cells with SC <c>debug</c> on, the SC
/// product against the float product of the same operands. Numbers round-trip (shortest "R" form); an undefined
/// ratio (all-zero float product) is <c>NaN</c>.</summary>
internal static class ScDebugCsv
{
    public const string FileName = "debug_sc.csv";

    public const string Header = "step,block,operator,elements,relative_l2,mse,max_abs_error,cosine,fp_rms";

    public static string Format(IReadOnlyList<ScDebugRecord> records)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var r in records)
        {
            text.Append(CultureInfo.InvariantCulture, $"{r.Step},{r.Block},{Operators.Name(r.Operator)},{r.Elements},")
                .Append(CultureInfo.InvariantCulture, $"{r.RelativeL2:R},{r.Mse:R},{r.MaxAbsError:R},{r.Cosine:R},{r.FpRms:R}\n");
        }
        return text.ToString();
    }
}
