using QRecipe.Plan.Text;

namespace QRecipe.Generator.Emit;

/// <summary>
/// Enhanced <c>#line</c> directives (C# 10) that map one token of the next generated line to its span in the
/// recipe, so a C# error there (say, CS0101 when a recipe name collides with a user type) is reported in the
/// <c>.qrecipe</c> file. The character offset is the one-based column where the token starts in the next line.
/// </summary>
internal static class LineDirectives
{
    /// <summary>Writes <paramref name="text"/> on its own line, mapped to <paramref name="span"/> when there is one
    /// and the path can stand in a directive (<see cref="Escaping.LineDirectiveFile"/>). Without C# 10 only the line
    /// is mapped.</summary>
    public static void WriteMapped(SourceWriter writer, string path, SourceSpan span, string text, bool enhanced)
    {
        var file = Escaping.LineDirectiveFile(path);
        if (span.Line == 0 || file is null)
        {
            writer.Line(text);
            return;
        }
        writer.Directive(enhanced
            ? "#line (" + span.Line + "," + span.Column + ")-(" + span.EndLine + "," + span.EndColumn + ") " + writer.NextLineColumn + " " + file
            : "#line " + span.Line + " " + file);
        writer.Line(text);
        writer.Directive("#line default");
    }
}
