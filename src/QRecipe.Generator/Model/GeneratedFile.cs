namespace QRecipe.Generator.Model;

/// <summary>Emitted source as a string, so an unchanged emission compares equal and stops the pipeline.</summary>
internal sealed record GeneratedFile(string HintName, string Text);
