using System.Linq;
using QRecipe.Cli.Run;

namespace QRecipe.Cli.Tests.Output;

public sealed class ImageGridTests
{
    [Fact]
    public void Images_fill_a_near_square_grid_row_by_row_with_white_gaps()
    {
        // Three 2×1 images: ⌈√3⌉ = 2 columns, 2 rows, 2-pixel gaps → 6×4 pixels.
        var images = Enumerable.Range(1, 3).Select(i => Enumerable.Repeat((byte)(10 * i), 6).ToArray()).ToArray();
        var (width, height, rgb) = ImageGrid.Compose(images, 2, 1);
        Assert.Equal((6, 4), (width, height));
        byte Pixel(int x, int y) => rgb[(y * width + x) * 3];
        Assert.Equal([10, 10, 255, 255, 20, 20], Enumerable.Range(0, 6).Select(x => Pixel(x, 0)));
        Assert.All(Enumerable.Range(0, 6), x => Assert.Equal(255, Pixel(x, 1)));
        Assert.All(Enumerable.Range(0, 6), x => Assert.Equal(255, Pixel(x, 2)));
        // The third image starts the second row; the empty cell stays white.
        Assert.Equal([30, 30, 255, 255, 255, 255], Enumerable.Range(0, 6).Select(x => Pixel(x, 3)));
    }
}
