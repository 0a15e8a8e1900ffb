using System.Text;

namespace QRecipe.Generator.Emit;

/// <summary>An indenting text writer that always writes '\n' (output must not depend on the build machine).</summary>
internal sealed class SourceWriter
{
    private const int IndentSize = 4;
    private readonly StringBuilder _builder = new();

    public int Indent { get; set; }

    /// <summary>One-based column where text written at the start of the next line begins.</summary>
    public int NextLineColumn => Indent * IndentSize + 1;

    public SourceWriter Line(string text)
    {
        if (text.Length > 0)
            _builder.Append(' ', Indent * IndentSize).Append(text);
        _builder.Append('\n');
        return this;
    }

    public SourceWriter Line() => Line(string.Empty);

    /// <summary>A directive (#line, #nullable) always starts in column 1.</summary>
    public SourceWriter Directive(string text)
    {
        _builder.Append(text).Append('\n');
        return this;
    }

    public SourceWriter OpenBrace()
    {
        Line("{");
        Indent++;
        return this;
    }

    public SourceWriter CloseBrace(string suffix = "")
    {
        Indent--;
        return Line("}" + suffix);
    }

    public override string ToString() => _builder.ToString();
}
