using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace QRecipe.Language.Tests;

/// <summary>Seeded mutations of well-formed recipes: token deletions, insertions, duplications and replacements,
/// truncations, garbage characters, huge numbers, deep nesting, very long lines and swapped lines.</summary>
internal sealed class Mutations
{
    private static readonly Regex Token = new(@"[A-Za-z_][A-Za-z0-9_\-/]*|-?[0-9]+(\.[0-9]+)?%?|\.\.|//|\S", RegexOptions.Compiled);

    private static readonly string[] Vocabulary =
    {
        "recipe", "model", "sampler", "calibrate", "weights", "activations", "smooth", "sc", "at", "mp", "on", "blocks",
        "steps", "heads", "groups", "of", "stream", "off", "levels", "fractions", "first", "last", "noisiest", "cleanest",
        "all", "except", "precision", "auto", "kernel", "enable", "xnor", "and", "scramble", "random", "seed", "halve",
        "chunk", "noise", "local", "global", "debug", "int4", "int8", "int99", "fp", "group", "per-token", "static",
        "custom", "depth", "hidden", "qk", "av", "fc1", "embed", "attn", "{", "}", ",", "..", "%", ";", "\"", "//", "0",
        "1", "28", "50", "256", "-1", "0.5", "3%", "150%", "1.0000001",
    };

    private static readonly string[] Garbage =
    {
        "\0", "\u0001", "\u001b", "\u007f", "\u00a0", "\u2013", "\u00e9", "\ufeff", "\ud800", "\udfff", "\U0001F600", "\r", "\t",
        "{", "}", "\"", "%", ".", ",", ";", "/", "\\", "#", "@", "\u200b", "\uffff",
    };

    private static readonly string[] HugeNumbers =
    {
        "99999999999999999999", "-99999999999999999999", "2147483648", "-2147483649", "2147483647", "1" + new string('0', 400),
        "0.000000000000000000001", "4294967296%", "99999999999999999999..99999999999999999999",
    };

    private readonly Random _random;

    public Mutations(int seed) => _random = new Random(seed);

    public string Mutate(string text)
    {
        var count = _random.Next(1, 4);
        for (var i = 0; i < count; i++)
            text = MutateOnce(text);
        return text;
    }

    private string MutateOnce(string text)
    {
        var tokens = Token.Matches(text).Cast<Match>().ToList();
        if (tokens.Count == 0)
            return text + Pick(Vocabulary);
        var token = tokens[_random.Next(tokens.Count)];
        switch (_random.Next(10))
        {
            case 0: // delete a token
                return text.Remove(token.Index, token.Length);
            case 1: // insert a token
                return text.Insert(token.Index, Pick(Vocabulary) + " ");
            case 2: // duplicate a token or a whole line
                if (_random.Next(2) == 0)
                    return text.Insert(token.Index, token.Value + " ");
                var (start, end) = LineAround(text, token.Index);
                return text.Insert(start, text.Substring(start, end - start) + "\n");
            case 3: // truncate
                return text.Substring(0, _random.Next(text.Length + 1));
            case 4: // garbage characters
                var garbage = string.Concat(Enumerable.Range(0, _random.Next(1, 6)).Select(_ => Pick(Garbage)));
                return text.Insert(_random.Next(2) == 0 ? token.Index : token.Index + token.Length, garbage);
            case 5: // a huge number in place of a number (or of anything)
                var numbers = tokens.Where(t => char.IsDigit(t.Value[t.Value.Length - 1]) || t.Value.EndsWith("%", StringComparison.Ordinal)).ToList();
                var target = numbers.Count > 0 ? numbers[_random.Next(numbers.Count)] : token;
                return text.Remove(target.Index, target.Length).Insert(target.Index, Pick(HugeNumbers));
            case 6: // deep nesting, closed or not
                var depth = _random.Next(10, 41);
                var open = string.Concat(Enumerable.Repeat(Pick("at blocks all {\n", "at steps 0 {", "sc {\n", "at {\n", "{"), depth));
                var close = new string('}', _random.Next(2) == 0 ? depth : _random.Next(depth * 2));
                var at = LineAround(text, token.Index).Start;
                return text.Insert(at, open + "\nweights int8\n" + close + "\n");
            case 7: // a very long line
                var unit = Pick("qk, ", "0, ", "1..2, ", "x", "// long comment ", "int8 ", "\"s\" ");
                var line = string.Concat(Enumerable.Repeat(unit, _random.Next(500, 3000)));
                return text.Insert(LineAround(text, token.Index).Start, Pick("", "at blocks ", "sc { qk blocks ", "weights ") + line + "\n");
            case 8: // swap two lines
                var lines = text.Split('\n');
                var a = _random.Next(lines.Length);
                var b = _random.Next(lines.Length);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                return string.Join("\n", lines);
            default: // replace a token
                return text.Remove(token.Index, token.Length).Insert(token.Index, Pick(Vocabulary));
        }
    }

    private static (int Start, int End) LineAround(string text, int index)
    {
        var start = index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;
        var end = text.IndexOf('\n', index);
        return (start, end < 0 ? text.Length : end);
    }

    private string Pick(params string[] items) => items[_random.Next(items.Length)];
}
