using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using QRecipe.Plan.Text;

namespace QRecipe.Interop.Recipes;

/// <summary>Assembles an imported recipe: a comment naming the source, the header, the statements, and one comment
/// per source setting the recipe has no words for. Echoed file text is escaped (docs/language.md: comments may not
/// hold control or bidirectional characters).</summary>
public sealed class RecipeWriter
{
    private readonly StringBuilder _text = new();

    public RecipeWriter(string format, string path, ImportOptions options, int steps, string samplerExtra = "")
    {
        var file = SafeText.Escape(Path.GetFileName(path));
        _text.Append(CultureInfo.InvariantCulture, $"// Imported from the {format} file {file}.\n");
        _text.Append(CultureInfo.InvariantCulture, $"recipe {options.Name} \"Imported from {file.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"\n");
        _text.Append(CultureInfo.InvariantCulture, $"model {options.ModelText}\n");
        _text.Append(CultureInfo.InvariantCulture, $"sampler ddpm steps {steps}{samplerExtra}\n");
    }

    public RecipeWriter Line(string statement)
    {
        _text.Append(statement).Append('\n');
        return this;
    }

    public RecipeWriter Lines(IEnumerable<string> statements)
    {
        foreach (var statement in statements)
            Line(statement);
        return this;
    }

    /// <summary>The comments for settings without an equivalent, under one heading.</summary>
    public RecipeWriter Unrepresented(IReadOnlyList<string> comments)
    {
        if (comments.Count == 0)
            return this;
        _text.Append("\n// Source settings without a QRecipe equivalent:\n");
        foreach (var comment in comments)
            _text.Append("// ").Append(SafeText.Escape(comment)).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();
}
