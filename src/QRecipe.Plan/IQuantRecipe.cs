namespace QRecipe.Plan;

/// <summary>Implemented by every recipe class the source generator emits, so the CLI and user code can treat
/// recipes alike.</summary>
public interface IQuantRecipe
{
    /// <summary>The recipe's name (its C# class name).</summary>
    string Name { get; }

    /// <summary>The path of the <c>.qrecipe</c> file the class was generated from.</summary>
    string SourcePath { get; }

    RecipePlan Plan { get; }
}
