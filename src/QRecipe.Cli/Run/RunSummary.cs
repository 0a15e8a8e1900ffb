using System;
using System.Globalization;
using System.IO;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Execution;

namespace QRecipe.Cli.Run;

/// <summary>The table printed after a run: per operator that ran in SC or was measured against floating point, its
/// error against floating point (RMS over steps and blocks, with --compare-fp), SC calls, stream work actually spent,
/// the same at full length 2^p and the savings; then the totals.</summary>
internal static class RunSummary
{
    public static void Write(RunResult result, TextWriter output)
    {
        var errors = result.OperatorErrors;
        var compute = result.ScCompute;
        var rows = compute.Operators.Where(o => o.Calls > 0 || errors is not null).ToList();
        if (rows.Count == 0)
            return;
        // The error column only with --compare-fp.
        string Error(string text) => errors is null ? string.Empty : $" {text,10}";
        output.WriteLine($"  {"operator",-8}{Error("rel. error")} {"SC calls",8} {"stream bit-MACs",15} {"full length",12} {"saved",6}");
        foreach (var o in rows)
        {
            var error = errors is null ? string.Empty : Error(E(Rms(result, o.Operator)));
            output.WriteLine($"  {Operators.Name(o.Operator),-8}{error} {o.Calls,8} {E(o.StreamMacs),15} {E(o.FullLengthStreamMacs),12} {Percent(o.Calls, o.Savings),6}");
        }
        output.WriteLine($"  {"total",-8}{Error("")} {compute.Calls,8} {E(compute.StreamMacs),15} {E(compute.FullLengthStreamMacs),12} {Percent(compute.Calls, compute.Savings),6}");
    }

    /// <summary>Root mean square of the operator's per-step errors (each already an RMS over blocks).</summary>
    private static double Rms(RunResult result, Operator op)
    {
        var values = Enumerable.Range(0, result.Plan.Steps).Select(step => result.OperatorErrors!.MeanOverBlocks(step, op)).Where(v => !double.IsNaN(v)).ToList();
        return values.Count == 0 ? double.NaN : Math.Sqrt(values.Average(v => v * v));
    }

    private static string E(double value) => ReportNumbers.Text(value, "0.000e+0");

    private static string Percent(long calls, double savings) => calls == 0 || !double.IsFinite(savings) ? ReportNumbers.Missing : (savings * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
