using QRecipe.Plan.Text;

namespace QRecipe.Plan;

/// <summary>How much of the plan one rule decides: the cells it selected and the cells where it is still the last
/// matching rule. A cell is a (step, block, operator) position, or a (step, block, operator, head / group) position
/// for per-head and per-group stream lengths.</summary>
public sealed record RuleReport(string Aspect, SourceSpan Span, int SelectedCells, int WinningCells);
