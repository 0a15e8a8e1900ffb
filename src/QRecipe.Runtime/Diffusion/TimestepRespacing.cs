using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace QRecipe.Runtime.Diffusion;

/// <summary>Which of the 1000 training timesteps a sampler visits (docs/dit.md, respacing).</summary>
public static class TimestepRespacing
{
    public const int TrainingSteps = 1000;

    /// <summary>The kept timesteps, ascending, for a respacing string: "" or "1000" (all), a comma list of section
    /// counts ("50", "10,15,20"), or "ddimN" (an even stride giving exactly N steps).</summary>
    public static int[] Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Length == 0)
            return Enumerable.Range(0, TrainingSteps).ToArray();
        if (spec.StartsWith("ddim", StringComparison.Ordinal))
            return Ddim(spec);
        var counts = spec.Split(',').Select(part => Count(part.Trim(), spec)).ToArray();
        return Sections(counts, spec);
    }

    private static int[] Ddim(string spec)
    {
        var count = Count(spec.Substring(4), spec);
        for (var stride = 1; stride < TrainingSteps; stride++)
        {
            if ((TrainingSteps + stride - 1) / stride == count)
                return Enumerable.Range(0, count).Select(i => i * stride).ToArray();
        }
        throw new ArgumentException($"respacing '{spec}': no integer stride gives exactly {count} of {TrainingSteps} steps");
    }

    /// <summary>Near-equal sections, the first 1000 mod K one step longer; inside a section the positions accumulate
    /// a fractional stride by repeated addition and round half to even, as the reference does.</summary>
    private static int[] Sections(int[] counts, string spec)
    {
        var sizePer = TrainingSteps / counts.Length;
        var extra = TrainingSteps % counts.Length;
        var kept = new SortedSet<int>();
        var start = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            var size = sizePer + (i < extra ? 1 : 0);
            var count = counts[i];
            if (size < count)
                throw new ArgumentException($"respacing '{spec}': section {i} has {size} steps and cannot yield {count}");
            var stride = count > 1 ? (size - 1) / (double)(count - 1) : 1.0;
            var position = 0.0;
            for (var j = 0; j < count; j++)
            {
                kept.Add(start + (int)Math.Round(position, MidpointRounding.ToEven));
                position += stride;
            }
            start += size;
        }
        return kept.ToArray();
    }

    private static int Count(string text, string spec)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > TrainingSteps)
            throw new ArgumentException($"respacing '{spec}': '{text}' is not a step count in 1..{TrainingSteps}");
        return count;
    }
}
