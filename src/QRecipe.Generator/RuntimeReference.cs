using Microsoft.CodeAnalysis;

namespace QRecipe.Generator;

/// <summary>Whether the project being compiled can see QRecipe.Runtime, judged by the one type the pipeline members
/// call. The answer is a bool, so the step that asks re-runs on every compilation but stops the pipeline there unless
/// the reference itself comes or goes.</summary>
internal static class RuntimeReference
{
    public const string RunnerType = "QRecipe.Runtime.Execution.RecipeRunner";

    public static bool IsIn(Compilation compilation) => compilation.GetTypeByMetadataName(RunnerType) is not null;
}
