using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using QRecipe.Plan;

namespace QRecipe.Generator;

/// <summary>C# class names for recipes, including a fallback when the recipe's own name is missing or unusable
/// (then the language reports QR0100 or QR0101 and the class is best effort).</summary>
internal static class ClassNames
{
    /// <summary>Names of the members a recipe class can have (see Emit/; Run and BundledSettings with the runtime
    /// referenced), plus the registry class next to it. A
    /// class cannot have a member with its own name (CS0542), so these cannot be recipe names.</summary>
    public static readonly IReadOnlyCollection<string> Reserved = new HashSet<string>(
        new[] { "Instance", "Name", "Description", "SourcePath", "ModelName", "Depth", "Hidden", "Heads", "HeadDim", "Tokens", "Steps", "Sampler", "Precision", "Plan", "CreatePlan", "Run", "BundledSettings", "QRecipeRegistry" }
            .Concat(Operators.All.SelectMany(op => new[] { "", "Weights", "Activations", "Sc", "Stream", "Smoothing" }.Select(suffix => op + suffix))),
        StringComparer.Ordinal);

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
        if (builder.Length == 0 || char.IsDigit(builder[0]) || Reserved.Contains(builder.ToString()))
            builder.Insert(0, "Recipe");
        return builder.ToString();
    }
}
