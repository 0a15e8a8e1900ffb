using System;
using System.Collections.Generic;
using System.Linq;

namespace QRecipe.Plan.Models;

/// <summary>The named DiT configurations a recipe can name (docs/language.md, models): the twelve configurations of
/// the DiT paper, each at image 256 (latent 32) and 512 (latent 64) with in_channels 4, learned sigma and 1000 classes;
/// and the bundled Fashion-MNIST DiT, a pixel-space model whose weights ship with QRecipe (docs/model-card.md).</summary>
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

    /// <summary>The image sizes the DiT paper's checkpoints exist for.</summary>
    public static readonly IReadOnlyList<int> ImageSizes = new[] { 256, 512 };

    public const int DefaultImageSize = 256;

    /// <summary>The bundled class-conditional DiT trained on Fashion-MNIST: 1 × 28 × 28 pixels, patch 4 (49 tokens),
    /// depth 6, hidden 128, 4 heads, 10 classes, learned sigma.</summary>
    public static readonly ModelSpec FashionMnist = new("fmnist-dit/4", 6, 128, 4, 4, 28, 10, InChannels: 1, LearnSigma: true, PixelSpace: true);

    /// <summary>Catalogue names as written in recipes: <c>dit-xl/2</c> … <c>dit-s/8</c>, then <c>fmnist-dit/4</c>.</summary>
    public static IReadOnlyList<string> Names { get; } =
        Families.SelectMany(f => Patches.Select(p => $"dit-{f.Size}/{p}")).Append(FashionMnist.Name).ToArray();

    /// <summary>The image sizes a catalogue model can be named with; the first is its default.</summary>
    public static IReadOnlyList<int> ImageSizesOf(string name) =>
        name == FashionMnist.Name ? new[] { FashionMnist.ImageSize } : ImageSizes;

    /// <summary>The names of a catalogue model's classes, where the model has named ones (the bundled Fashion-MNIST
    /// DiT), else null.</summary>
    public static IReadOnlyList<string>? ClassNames(string name) =>
        name == FashionMnist.Name
            ? new[] { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" }
            : null;

    /// <summary>The weights file that ships with QRecipe for a model, relative to the bundled models folder, or null.</summary>
    public static string? BundledWeights(string name) =>
        name == FashionMnist.Name ? "fmnist-dit/fmnist-dit.safetensors" : null;

    /// <summary>The model for a catalogue name and image size, or null when the name is unknown or the size is not
    /// one of <see cref="ImageSizesOf"/>.</summary>
    public static ModelSpec? Find(string name, int imageSize)
    {
        if (name == FashionMnist.Name)
            return imageSize == FashionMnist.ImageSize ? FashionMnist : null;
        if (!ImageSizes.Contains(imageSize))
            return null;
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
