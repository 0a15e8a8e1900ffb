using System;
using System.Collections.Generic;
using QRecipe.Language.Text;
using Sprache;

namespace QRecipe.Language.Syntax.Parsing;

/// <summary>A Sprache input that can start at any offset of a recipe, so the parser can resume after an error.
/// Line and column come from the source's line index.</summary>
internal sealed class TextInput : IInput
{
    private readonly SourceText _source;

    public TextInput(SourceText source, int position)
    {
        _source = source;
        Position = position;
    }

    public string Source => _source.Text;

    public SourceText Text => _source;

    public int Position { get; }

    public char Current => Position < _source.Length ? _source.Text[Position] : '\0';

    public bool AtEnd => Position >= _source.Length;

    public int Line => _source.Position(Position).Line;

    public int Column => _source.Position(Position).Column;

    /// <summary>The result of <see cref="Lexemes.Word"/> at this input, once read (inputs are immutable).</summary>
    public IResult<Syntax.WordSyntax>? WordResult { get; set; }

    private IDictionary<object, object>? _memos;

    public IDictionary<object, object> Memos => _memos ??= new Dictionary<object, object>();

    public IInput Advance()
    {
        if (AtEnd)
            throw new InvalidOperationException("Cannot advance beyond the end of the recipe.");
        return new TextInput(_source, Position + 1);
    }

    public bool Equals(IInput? other) => other is TextInput input && ReferenceEquals(input._source, _source) && input.Position == Position;

    public override bool Equals(object? obj) => Equals(obj as IInput);

    public override int GetHashCode() => Position;
}
