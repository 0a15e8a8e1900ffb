namespace QRecipe.Runtime.Sc.Sequences;

/// <summary>Which operand a Sobol sequence drives: a uses the "q" seed, b the "k" seed (docs/sc-engine.md).</summary>
public enum ScOperand
{
    A,
    B,
}

/// <summary>The 1-D base-2 Sobol sequences of scmp's <c>Sobol</c>, in Gray-code order.</summary>
public static class SobolSequence
{
    /// <summary>Seed of the operand's generator: q = all ones; k = ones with seed[4] = 9 (p ≥ 5), seed[6] = 41
    /// (p ≥ 7) and, at p = 8 exactly, seed[7] = 255.</summary>
    public static int[] Seed(int p, ScOperand operand)
    {
        var seed = new int[p];
        for (var i = 0; i < p; i++)
            seed[i] = 1;
        if (operand == ScOperand.B)
        {
            if (p >= 5)
                seed[4] = 9;
            if (p >= 7)
                seed[6] = 41;
            if (p == 8)
                seed[7] = 255;
        }

        return seed;
    }

    /// <summary>dir[i] = seed[i]·2^(p-1-i).</summary>
    public static int[] DirectionNumbers(int p, ScOperand operand)
    {
        var seed = Seed(p, operand);
        var direction = new int[p];
        for (var i = 0; i < p; i++)
            direction[i] = seed[i] << (p - 1 - i);
        return direction;
    }

    /// <summary>All 2^p values: x_0 = 0, x_{n+1} = x_n XOR dir[lowest zero bit of n].</summary>
    public static int[] Generate(int p, ScOperand operand) => FromDirections(DirectionNumbers(p, operand));

    /// <summary>
    /// Direction numbers of the second dimension of Sobol's sequence (primitive polynomial x + 1): m_1 = 1,
    /// m_i = m_{i−1} XOR 2·m_{i−1} (1, 3, 5, 15, 17, 51, 85, 255, …), dir[i] = m_{i+1}·2^(p−1−i). The first dimension is
    /// the q sequence (<see cref="ScOperand.A"/>), so value t of both forms the 2-D Sobol point t: every prefix of 2^k
    /// points has one point in each of the 2^k elementary boxes of any shape 2^-j × 2^-(k−j), which makes the two
    /// coordinates' comparator bits jointly uniform, as independent streams are. The legacy kernels' b stream.
    /// </summary>
    public static int[] SecondDimensionDirections(int p)
    {
        var direction = new int[p];
        for (int i = 0, m = 1; i < p; i++, m ^= m << 1)
            direction[i] = m << (p - 1 - i);
        return direction;
    }

    /// <summary>All 2^p values of the second dimension, in the same Gray-code order as <see cref="Generate"/>.</summary>
    public static int[] SecondDimension(int p) => FromDirections(SecondDimensionDirections(p));

    private static int[] FromDirections(int[] direction)
    {
        var p = direction.Length;
        var length = 1 << p;
        var values = new int[length];
        var x = 0;
        for (var n = 0; n < length; n++)
        {
            values[n] = x;
            var c = System.Numerics.BitOperations.TrailingZeroCount(~n);
            if (c < p)
                x ^= direction[c];
        }

        return values;
    }
}
