using System.Collections.Generic;
using System.Text;

namespace QRecipe.Interop.Flags;

/// <summary>Splits a command line as a POSIX shell would for plain words and '…'/"…" quoting, without expanding
/// anything; <c>--flag=value</c> becomes two words. The script name and <c>python</c> may precede the flags.</summary>
public static class CommandLine
{
    public static List<string> Split(string text, string source)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in text)
        {
            if (quote is { } q)
            {
                if (c == q)
                    quote = null;
                else
                    word.Append(c);
                continue;
            }
            if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (c is ' ' or '\t' or '\n' or '\r' or '\\')
            {
                // A backslash-newline continuation is whitespace too.
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (quote is not null)
            throw new InteropException($"{source}: a {quote} quote is never closed");
        if (inWord)
            words.Add(word.ToString());
        var result = new List<string>();
        foreach (var w in words)
        {
            var equals = w.IndexOf('=');
            if (w.StartsWith("--", System.StringComparison.Ordinal) && equals > 2)
            {
                result.Add(w[..equals]);
                result.Add(w[(equals + 1)..]);
            }
            else
                result.Add(w);
        }
        return result;
    }
}
