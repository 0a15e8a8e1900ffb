using System.Collections.Generic;
using System.Text;
using QRecipe.Plan;
using QRecipe.Plan.Text;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>A key whose tensor has another shape than the model needs.</summary>
public sealed record ShapeMismatch(string Name, int[] Expected, int[] Found);

/// <summary>Everything that keeps a state dict from loading into a model, all at once.</summary>
public sealed record ValidationReport(
    IReadOnlyList<(string Name, int[] Shape)> Missing,
    IReadOnlyList<(string Name, int[] Shape)> Unexpected,
    IReadOnlyList<ShapeMismatch> Mismatches)
{
    public bool IsValid => Missing.Count == 0 && Unexpected.Count == 0 && Mismatches.Count == 0;

    /// <summary>One line per problem, grouped by kind; each kind lists its first keys (<see cref="ShortList"/>), as a
    /// file may hold any number of them, with names escaped (<see cref="SafeText"/>).</summary>
    public string Describe()
    {
        const string line = "\n  ";
        var text = new StringBuilder();
        if (Missing.Count > 0)
            text.Append($"{Missing.Count} missing key(s):{line}")
                .Append(ShortList.Join(line, Missing, format: m => $"{SafeText.Escape(m.Name)} (expected {CheckpointEntry.FormatShape(m.Shape)})"));
        if (Unexpected.Count > 0)
            text.Append(text.Length > 0 ? "\n" : "").Append($"{Unexpected.Count} unexpected key(s):{line}")
                .Append(ShortList.Join(line, Unexpected, format: u => $"{SafeText.Escape(u.Name)} {CheckpointEntry.FormatShape(u.Shape)}"));
        if (Mismatches.Count > 0)
            text.Append(text.Length > 0 ? "\n" : "").Append($"{Mismatches.Count} shape mismatch(es):{line}")
                .Append(ShortList.Join(line, Mismatches, format: m => $"{SafeText.Escape(m.Name)}: expected {CheckpointEntry.FormatShape(m.Expected)}, found {CheckpointEntry.FormatShape(m.Found)}"));
        return text.ToString();
    }

    /// <summary>Throws a <see cref="CheckpointException"/> listing every problem unless the report is clean.</summary>
    public void ThrowIfInvalid(string file, ModelSpec model)
    {
        if (!IsValid)
            throw new CheckpointException(file, $"the checkpoint does not match {model.Name}:\n{Describe()}");
    }
}
