namespace QRecipe.Runtime.Execution;

/// <summary>A progress report: <paramref name="Phase"/> ("quantize", "sample", "float") at <paramref name="Done"/> of
/// <paramref name="Total"/>.</summary>
public readonly record struct RunProgress(string Phase, int Done, int Total);
