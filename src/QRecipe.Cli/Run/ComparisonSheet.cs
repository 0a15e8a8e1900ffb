using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Cli.Output;
using SkiaSharp;

namespace QRecipe.Cli.Run;

/// <summary>The picture of a run's samples: one row per class, each sample drawn beside the float sample of the same
/// seed and label when the run has one, the class name on the left. A red frame marks a sample the classifier assigns
/// to another class.</summary>
internal static class ComparisonSheet
{
    private const int Gap = 4;
    private const int PairGap = 14;
    private const int LabelWidth = 120;
    private const int HeaderHeight = 48;

    /// <param name="images">8-bit N × H × W × C recipe samples.</param>
    /// <param name="floatImages">The float samples in the same layout, or null.</param>
    /// <param name="predicted">The classifier's class for each recipe sample, or null.</param>
    public static byte[] Render(string title, IReadOnlyList<string> classNames, int[] labels, byte[] images, byte[]? floatImages,
        int[]? predicted, int height, int width, int channels, int maxPerClass = 8)
    {
        int size = height * width * channels;
        // Small images are enlarged (28 px to 84 px) by whole pixels; large ones are drawn as they are.
        int zoom = Math.Max(1, 96 / width);
        var rows = labels.Select((label, index) => (label, index)).GroupBy(s => s.label).OrderBy(g => g.Key)
            .Select(g => (Label: g.Key, Samples: g.Select(s => s.index).Take(maxPerClass).ToArray())).ToArray();
        int perRow = Math.Max(1, rows.Max(r => r.Samples.Length));
        int tile = width * zoom, tileHeight = height * zoom;
        int pairWidth = floatImages is null ? tile : 2 * tile + Gap;
        int sheetWidth = LabelWidth + perRow * (pairWidth + PairGap);
        int sheetHeight = HeaderHeight + rows.Length * (tileHeight + Gap) + Gap;
        return Drawing.Png(sheetWidth, sheetHeight, canvas =>
        {
            Drawing.Text(canvas, title, 8, 18, 14);
            if (floatImages is not null)
            {
                for (int c = 0; c < perRow; c++)
                {
                    float left = LabelWidth + c * (pairWidth + PairGap);
                    Drawing.Text(canvas, "float", left + tile / 2f, HeaderHeight - 8, 11, SKTextAlign.Center, SKColors.DimGray);
                    Drawing.Text(canvas, "recipe", left + tile + Gap + tile / 2f, HeaderHeight - 8, 11, SKTextAlign.Center);
                }
            }
            for (int r = 0; r < rows.Length; r++)
            {
                float top = HeaderHeight + r * (tileHeight + Gap);
                var name = rows[r].Label < classNames.Count ? classNames[rows[r].Label] : $"class {rows[r].Label}";
                Drawing.Text(canvas, name, LabelWidth - 8, top + tileHeight / 2f + 5, 13, SKTextAlign.Right);
                for (int c = 0; c < rows[r].Samples.Length; c++)
                {
                    int sample = rows[r].Samples[c];
                    float left = LabelWidth + c * (pairWidth + PairGap);
                    if (floatImages is not null)
                    {
                        Drawing.Image(canvas, floatImages.AsSpan(sample * size, size), height, width, channels, left, top, zoom);
                        left += tile + Gap;
                    }
                    if (predicted is not null && predicted[sample] != labels[sample])
                        Drawing.Box(canvas, left - 2, top - 2, tile + 4, tileHeight + 4, SKColors.Red);
                    Drawing.Image(canvas, images.AsSpan(sample * size, size), height, width, channels, left, top, zoom);
                }
            }
        });
    }
}
