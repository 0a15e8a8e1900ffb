namespace QRecipe.Plan.Text;

/// <summary>A range of a source text: zero-based character offset and length, one-based line and column of its
/// start and end.</summary>
public readonly record struct SourceSpan(int Start, int Length, int Line, int Column, int EndLine, int EndColumn)
{
    public int End => Start + Length;

    public override string ToString() => $"({Line},{Column})-({EndLine},{EndColumn})";
}
