using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan;

namespace QRecipe.Runtime.Execution;

/// <summary>SC work one operator actually ran during a run, over every step, block, sample and guidance half.</summary>
/// <param name="Calls">SC products executed (exact or surrogate).</param>
/// <param name="StreamMacs">Σ rows × outputs × D × L over those calls, with each row's (or head's, group's)
/// effective stream length L; pruned rows count 0 (docs/sc-engine.md).</param>
/// <param name="FullLengthStreamMacs">The same products at the full stream length 2^p of their cells.</param>
public sealed record ScOperatorCompute(Operator Operator, long Calls, long StreamMacs, long FullLengthStreamMacs)
{
    /// <summary>Fraction of full-length stream work saved by shorter streams, mixed precision and pruning.</summary>
    public double Savings => FullLengthStreamMacs == 0 ? 0 : 1 - (double)StreamMacs / FullLengthStreamMacs;
}

/// <summary>Measured SC compute of a run, per operator (every operator, in plan order) and in total. Unlike the
/// plan's static <see cref="PlanBudget"/> (mean stream × MACs per sample), it counts what the rows were actually
/// given, so dynamic mixed precision shows its real cost.</summary>
public sealed record ScComputeReport(IReadOnlyList<ScOperatorCompute> Operators)
{
    public long Calls => Operators.Sum(o => o.Calls);

    public long StreamMacs => Operators.Sum(o => o.StreamMacs);

    public long FullLengthStreamMacs => Operators.Sum(o => o.FullLengthStreamMacs);

    public double Savings => FullLengthStreamMacs == 0 ? 0 : 1 - (double)StreamMacs / FullLengthStreamMacs;
}

/// <summary>Accumulates <see cref="ScComputeReport"/> as the operators run.</summary>
internal sealed class ScComputeLedger
{
    private readonly long[] _calls = new long[Operators.All.Count];
    private readonly long[] _actual = new long[Operators.All.Count];
    private readonly long[] _full = new long[Operators.All.Count];

    public void Add(Operator op, long streamMacs, long fullLengthStreamMacs)
    {
        _calls[(int)op]++;
        _actual[(int)op] += streamMacs;
        _full[(int)op] += fullLengthStreamMacs;
    }

    public ScComputeReport Report() =>
        new(Operators.All.Select(op => new ScOperatorCompute(op, _calls[(int)op], _actual[(int)op], _full[(int)op])).ToList());
}
