using System.Collections.Generic;
using System.Linq;
using QRecipe.Interop.Diagnostics;
using QRecipe.Plan;
using QRecipe.Plan.Text;

namespace QRecipe.Interop.Recipes;

/// <summary>What an export format cannot hold, gathered over the whole plan so one refusal lists all of it
/// (QR0906).</summary>
public sealed class PlanRefusals
{
    private readonly string _path;
    private readonly string _format;
    private readonly List<string> _items = new();

    public PlanRefusals(string path, string format)
    {
        _path = path;
        _format = format;
    }

    public void Add(string item)
    {
        if (!_items.Contains(item))
            _items.Add(item);
    }

    /// <summary>SC and smoothing have no place in formats that hold only quantizers.</summary>
    public void RequireNoScOrSmoothing(RecipePlan plan)
    {
        if (plan.Palette.Any(s => s.Sc.Enabled))
            Add("stochastic computing (an sc section)");
        RequireNoSmoothing(plan);
    }

    public void RequireNoSmoothing(RecipePlan plan)
    {
        if (plan.Smoothing.Any(s => s.Method != SmoothMethod.None))
            Add("smoothing (a smooth statement)");
    }

    public void ThrowIfAny()
    {
        if (_items.Count == 0)
            return;
        var descriptor = InteropDiagnostics.CannotHold;
        throw new InteropException($"{_path}: error {descriptor.Id}: {_format} cannot hold this plan:\n  "
            + string.Join("\n  ", _items.Take(ShortList.DefaultMax).Select(i => SafeText.Escape(i)))
            + (_items.Count > ShortList.DefaultMax ? $"\n  … and {_items.Count - ShortList.DefaultMax} more" : string.Empty));
    }
}
