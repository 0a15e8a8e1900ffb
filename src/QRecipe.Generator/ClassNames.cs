using System.IO;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace QRecipe.Generator;

/// <summary>C# class names for recipes, including a fallback when the recipe's own name is missing or invalid
/// (then the language reports QR0100 or QR0101 and the class is best effort).</summary>
internal static class ClassNames
{
    public static bool IsValid(string name) =>
        SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None;

    /// <summary><c>dit_w4a8-sc.qrecipe</c> becomes <c>DitW4a8Sc</c>.</summary>
    public static string FromFileName(string path)
    {
        var normalized = path.Replace('\\', '/');
        var stem = Path.GetFileNameWithoutExtension(normalized.Substring(normalized.LastIndexOf('/') + 1));
        var builder = new StringBuilder();
        var upper = true;
        foreach (var c in stem)
        {
            if (!char.IsLetterOrDigit(c) || c >= 128)
            {
                upper = true;
                continue;
            }
            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        if (builder.Length == 0 || char.IsDigit(builder[0]))
            builder.Insert(0, "Recipe");
        return builder.ToString();
    }
}
