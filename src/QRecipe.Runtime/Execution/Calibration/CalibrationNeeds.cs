using QRecipe.Plan;

namespace QRecipe.Runtime.Execution.Calibration;

/// <summary>Which statistics a plan needs, per plan slot (block, operator): static activation ranges where any step's
/// cell is static, GPTQ Hessians where any step's cell uses gptq weights, channel maxima where the slot is smoothed,
/// and α-search inputs where it is smoothed by DiTAS with a search.</summary>
public sealed class CalibrationNeeds
{
    private readonly RecipePlan _plan;
    private readonly bool[] _static;
    private readonly bool[] _hessian;
    private readonly bool[] _channelMax;
    private readonly bool[] _searchInputs;

    public CalibrationNeeds(RecipePlan plan)
    {
        _plan = plan;
        var slots = plan.SlotsPerStep;
        _static = new bool[slots];
        _hessian = new bool[slots];
        _channelMax = new bool[slots];
        _searchInputs = new bool[slots];
        for (var step = 0; step < plan.Steps; step++)
        {
            for (var slot = 0; slot < slots; slot++)
            {
                var cell = plan.Palette[plan.Cells[step * slots + slot]];
                _static[slot] |= cell.Activations.Static;
                _hessian[slot] |= cell.Weights.Method == WeightMethod.Gptq && !cell.Weights.IsFloat;
            }
        }
        for (var slot = 0; slot < slots; slot++)
        {
            var smooth = plan.Smoothing[slot];
            _channelMax[slot] = smooth.Method != SmoothMethod.None;
            _searchInputs[slot] = smooth.Method == SmoothMethod.Ditas && smooth.Search is not null;
            AnySmoothing |= _channelMax[slot];
            AnyRangeOrHessian |= _static[slot] || _hessian[slot];
        }
    }

    public bool AnySmoothing { get; }

    public bool AnyRangeOrHessian { get; }

    public bool Any => AnySmoothing || AnyRangeOrHessian;

    public bool StaticRange(int block, Operator op) => _static[_plan.Slot(block, op)];

    public bool Hessian(int block, Operator op) => _hessian[_plan.Slot(block, op)];

    public bool ChannelMax(int block, Operator op) => _channelMax[_plan.Slot(block, op)];

    public bool SearchInputs(int block, Operator op) => _searchInputs[_plan.Slot(block, op)];
}
