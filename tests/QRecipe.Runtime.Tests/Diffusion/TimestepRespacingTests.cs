using System;
using System.Linq;
using QRecipe.Runtime.Diffusion;

namespace QRecipe.Runtime.Tests.Diffusion;

/// <summary>Respacings worked out by hand from the rule in docs/dit.md.</summary>
public sealed class TimestepRespacingTests
{
    [Fact]
    public void Fifty_uniform_steps()
    {
        int[] expected =
        {
            0, 20, 41, 61, 82, 102, 122, 143, 163, 183, 204, 224, 245, 265, 285, 306, 326, 347, 367, 387, 408, 428, 449, 469, 489,
            510, 530, 550, 571, 591, 612, 632, 652, 673, 693, 714, 734, 754, 775, 795, 816, 836, 856, 877, 897, 917, 938, 958, 979, 999,
        };
        Assert.Equal(expected, TimestepRespacing.Parse("50"));
    }

    [Fact]
    public void Hundred_steps_start_and_end()
    {
        var steps = TimestepRespacing.Parse("100");
        Assert.Equal(100, steps.Length);
        Assert.Equal(new[] { 0, 10, 20, 30, 40, 50, 61, 71, 81, 91, 101 }, steps[..11]);
        Assert.Equal(new[] { 949, 959, 969, 979, 989, 999 }, steps[^6..]);
    }

    [Fact]
    public void Twenty_five_steps_round_exact_ties_to_even()
    {
        int[] expected = { 0, 42, 83, 125, 166, 208, 250, 291, 333, 375, 416, 458, 500, 541, 583, 624, 666, 708, 749, 791, 832, 874, 916, 957, 999 };
        Assert.Equal(expected, TimestepRespacing.Parse("25"));
    }

    [Fact]
    public void Two_hundred_fifty_steps_accumulate_the_fractional_stride()
    {
        var steps = TimestepRespacing.Parse("250");
        Assert.Equal(250, steps.Length);
        Assert.Equal(new[] { 0, 4, 8, 12 }, steps[..4]);
        Assert.Equal(new[] { 995, 999 }, steps[^2..]);
    }

    [Theory]
    [InlineData("ddim50", 50, 20, 980)]
    [InlineData("ddim25", 25, 40, 960)]
    [InlineData("ddim5", 5, 200, 800)]
    public void Ddim_uses_an_even_stride(string spec, int count, int stride, int last)
    {
        var steps = TimestepRespacing.Parse(spec);
        Assert.Equal(Enumerable.Range(0, count).Select(i => i * stride), steps);
        Assert.Equal(last, steps[^1]);
    }

    [Fact]
    public void Empty_and_thousand_keep_every_step()
    {
        Assert.Equal(Enumerable.Range(0, 1000), TimestepRespacing.Parse(""));
        Assert.Equal(Enumerable.Range(0, 1000), TimestepRespacing.Parse("1000"));
    }

    [Fact]
    public void Sections_split_near_equally()
    {
        // 1000 = 334 + 333 + 333; each section keeps its first and last step.
        var steps = TimestepRespacing.Parse("10,15,20");
        Assert.Equal(45, steps.Length);
        Assert.Contains(0, steps);
        Assert.Contains(333, steps);
        Assert.Contains(334, steps);
        Assert.Contains(666, steps);
        Assert.Contains(667, steps);
        Assert.Contains(999, steps);
    }

    [Theory]
    [InlineData("ddim999", "no integer stride gives exactly 999")]
    [InlineData("0", "'0' is not a step count in 1..1000")]
    [InlineData("fifty", "'fifty' is not a step count")]
    [InlineData("600,600", "section 0 has 500 steps and cannot yield 600")]
    public void Bad_respacing_names_the_problem(string spec, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => TimestepRespacing.Parse(spec));
        Assert.Contains(message, error.Message);
    }
}
