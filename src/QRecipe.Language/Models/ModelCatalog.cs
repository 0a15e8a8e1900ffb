using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Plan;

namespace QRecipe.Language.Models;

/// <summary>The twelve named DiT configurations (shared/spec/dit-and-diffusion.md A.1). Each is available at image
/// 256 (latent 32) and 512 (latent 64); all share in_channels 4, learned sigma, 1000 classes.</summary>
public static class ModelCatalog
{
    private sealed record Family(string Size, int Depth, int Hidden, int Heads);

    private static readonly Family[] Families =
    {
        new("xl", 28, 1152, 16),
        new("l", 24, 1024, 16),
        new("b", 12, 768, 12),
        new("s", 12, 384, 6),
    };

    private static readonly int[] Patches = { 2, 4, 8 };

    public static readonly IReadOnlyList<int> ImageSizes = new[] { 256, 512 };

    public const int DefaultImageSize = 256;

    /// <summary>Catalogue names as written in recipes: <c>dit-xl/2</c> … <c>dit-s/8</c>.</summary>
    public static IReadOnlyList<string> Names { get; } =
        Families.SelectMany(f => Patches.Select(p => $"dit-{f.Size}/{p}")).ToArray();

    /// <summary>The model for a catalogue name and image size, or null when the name is unknown.</summary>
    public static ModelSpec? Find(string name, int imageSize)
    {
        foreach (var family in Families)
        {
            foreach (var patch in Patches)
            {
                if (string.Equals(name, $"dit-{family.Size}/{patch}", StringComparison.Ordinal))
                    return new ModelSpec($"dit-{family.Size}/{patch}", family.Depth, family.Hidden, family.Heads, patch, imageSize / 8, 1000);
            }
        }
        return null;
    }
}
