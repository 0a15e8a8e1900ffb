using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan;

namespace QRecipe.Runtime.Execution;

/// <summary>Error of the SC product against the floating-point product of the same operands at one (step, block,
/// operator) of a cell with <c>debug</c> on, over all of its calls at that step.</summary>
/// <param name="Elements">Outputs compared.</param>
/// <param name="RelativeL2">‖sc − fp‖ / ‖fp‖ (NaN when fp is all zeros).</param>
/// <param name="Mse">Σ (sc − fp)² / elements.</param>
/// <param name="MaxAbsError">max |sc − fp|.</param>
/// <param name="Cosine">Σ sc·fp / (‖sc‖·‖fp‖) (NaN when either is all zeros).</param>
/// <param name="FpRms">sqrt(Σ fp² / elements), the scale MSE and max error are relative to.</param>
public sealed record ScDebugRecord(int Step, int Block, Operator Operator, long Elements, double RelativeL2, double Mse, double MaxAbsError,
    double Cosine, double FpRms);

/// <summary>Collects <see cref="ScDebugRecord"/>s in double precision as debugged operators run.</summary>
internal sealed class ScDebugStatistics
{
    private readonly Dictionary<(int Step, int Block, Operator Op), Sums> _sums = new();

    public void Add(int step, int block, Operator op, ReadOnlySpan<float> sc, ReadOnlySpan<float> fp)
    {
        if (!_sums.TryGetValue((step, block, op), out var sums))
        {
            sums = new Sums();
            _sums[(step, block, op)] = sums;
        }
        for (var i = 0; i < fp.Length; i++)
        {
            double e = fp[i], g = sc[i], d = g - e;
            sums.Error += d * d;
            sums.Reference += e * e;
            sums.Actual += g * g;
            sums.Dot += e * g;
            sums.MaxAbs = Math.Max(sums.MaxAbs, Math.Abs(d));
        }
        sums.Elements += fp.Length;
    }

    /// <summary>One record per (step, block, operator), ordered by step, block, then operator.</summary>
    public IReadOnlyList<ScDebugRecord> Records() => _sums
        .OrderBy(p => p.Key.Step).ThenBy(p => p.Key.Block).ThenBy(p => p.Key.Op)
        .Select(p =>
        {
            var s = p.Value;
            return new ScDebugRecord(p.Key.Step, p.Key.Block, p.Key.Op, s.Elements,
                s.Reference == 0 ? double.NaN : Math.Sqrt(s.Error / s.Reference),
                s.Error / s.Elements,
                s.MaxAbs,
                s.Reference == 0 || s.Actual == 0 ? double.NaN : s.Dot / Math.Sqrt(s.Reference * s.Actual),
                Math.Sqrt(s.Reference / s.Elements));
        })
        .ToList();

    private sealed class Sums
    {
        public long Elements;
        public double Error;
        public double Reference;
        public double Actual;
        public double Dot;
        public double MaxAbs;
    }
}
