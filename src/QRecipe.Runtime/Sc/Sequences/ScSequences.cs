using QRecipe.Plan;

namespace QRecipe.Runtime.Sc.Sequences;

/// <summary>
/// The prepared RNG prefixes of both operands, one row of L values per dimension (docs/sc-engine.md
/// <c>_prepare_rng_prefix</c>): value [d·L + t] is the comparator input of dimension d at cycle t, on [0, G).
/// </summary>
public sealed class ScSequences
{
    private ScSequences(in ScGeometry geometry, int dims, int[] masks, ushort[] a, ushort[] b)
    {
        Geometry = geometry;
        Dims = dims;
        Masks = masks;
        A = a;
        B = b;
    }

    public ScGeometry Geometry { get; }

    public int Dims { get; }
    public int Length => Geometry.L;
    /// <summary>The XOR mask actually applied to a's sequence of dimension d (0 where nothing is scrambled). The enable
    /// kernel applies it to b's as well, so a dimension's sequences, and so its tables, depend on (p, L, G) and this
    /// mask only; the legacy kernels shift b by masks of its own (<see cref="ScrambleMasks.ForLegacyB"/>).</summary>
    public int[] Masks { get; }
    public ushort[] A { get; }
    public ushort[] B { get; }

    /// <summary>The sequences of the geometry's kernel: <see cref="PrepareEnable"/> or <see cref="PrepareLegacy"/>.</summary>
    public static ScSequences Prepare(in ScGeometry geometry, int dims) =>
        geometry.Kernel == ScKernel.Enable ? PrepareEnable(geometry, dims) : PrepareLegacy(geometry, dims);

    /// <summary>
    /// Enable kernel: a from the q sequence, b from the k sequence, prefix of length L; XOR with μ_d when the
    /// prefix is truncated (G = 2^p) or whenever the grid is rescaled (G ≠ 2^p, scmp's default SC_SCRAMBLE_RESCALE=1;
    /// mode <c>off</c> scrambles nothing); then r' = floor(r·G/2^p). At L = G = 2^p nothing is scrambled, as in scmp's
    /// current code.
    /// </summary>
    private static ScSequences PrepareEnable(in ScGeometry geometry, int dims)
    {
        var (p, length, grid) = (geometry.P, geometry.L, geometry.G);
        var full = 1 << p;
        var scramble = geometry.Scramble != ScScramble.Off && (grid != full || length < full);
        var masks = ScrambleMasks.For(scramble ? geometry.Scramble : ScScramble.Off, p, dims, geometry.ScrambleSeed);
        return new ScSequences(geometry, dims, masks,
            PrepareOne(SobolSequence.Generate(p, ScOperand.A), masks, length, grid, p),
            PrepareOne(SobolSequence.Generate(p, ScOperand.B), masks, length, grid, p));
    }

    /// <summary>
    /// Legacy XNOR/AND kernels, whose two streams must be independent for XNOR/AND of them to be the product: a from
    /// the q sequence, b from the second Sobol dimension (<see cref="SobolSequence.SecondDimension"/>), so (a_t, b_t) are
    /// 2-D Sobol points; a shifted by μ_d, b by its own ν_d, at every length (full length too: unshifted, every
    /// dimension would see the same point set and its error would add up coherently over D). The k sequence that the
    /// enable kernel gives b equals the q sequence for p ≤ 4 and on the first 16 values for any p, which made these
    /// products measure |a − b| instead of a·b.
    /// </summary>
    private static ScSequences PrepareLegacy(in ScGeometry geometry, int dims)
    {
        var (p, length, grid) = (geometry.P, geometry.L, geometry.G);
        var masksA = ScrambleMasks.For(geometry.Scramble, p, dims, geometry.ScrambleSeed);
        var masksB = ScrambleMasks.ForLegacyB(geometry.Scramble, p, dims, geometry.ScrambleSeed);
        return new ScSequences(geometry, dims, masksA,
            PrepareOne(SobolSequence.Generate(p, ScOperand.A), masksA, length, grid, p),
            PrepareOne(SobolSequence.SecondDimension(p), masksB, length, grid, p));
    }

    private static ushort[] PrepareOne(int[] sequence, int[] masks, int length, int grid, int p)
    {
        var full = 1 << p;
        var prepared = new ushort[masks.Length * length];
        for (var d = 0; d < masks.Length; d++)
        {
            for (var t = 0; t < length; t++)
            {
                var r = sequence[t] ^ masks[d];
                prepared[d * length + t] = (ushort)(grid == full ? r : r * grid >> p);
            }
        }

        return prepared;
    }
}
