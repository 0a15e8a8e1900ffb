using System;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Runtime.Quantization.SecondOrder;

/// <summary>Q-DiT's GPTQ (docs/quantization.md): dead columns zeroed, damping 1% of mean(diag H), U = upper Cholesky
/// factor of H⁻¹, columns quantized left to right with in-block error feedback and lazy updates of the columns right
/// of each block of 128. No act-order (the reference runs with it off). Group grids are computed when a group's first
/// column is reached, from the outer weight that only earlier blocks have updated (the reference's quirk). Grid
/// convention: <see cref="UniformGrid"/> built by <see cref="Grid"/> (0 always in range, offset grid when symmetric).
/// Works on Wᵀ so that a column of W is a contiguous row; updates in float32 as the reference.</summary>
internal static class Gptq
{
    public const int BlockSize = 128;
    public const double PercentDamp = 0.01;

    /// <summary>Quantizer_GPTQ's grid from a group's min and max: xmin = min(min, 0), xmax = max(max, 0); symmetric:
    /// xmax = max(|xmin|, xmax), xmin = −xmax when negative, zero = (maxq + 1)/2; both 0 → [−1, 1];
    /// scale = (xmax − xmin)/maxq; asymmetric zero = round(−xmin/scale); codes in [0, maxq].</summary>
    public static UniformGrid Grid(float min, float max, int bits, bool symmetric)
    {
        var maxq = (float)((1 << bits) - 1);
        var xmin = MathF.Min(min, 0f);
        var xmax = MathF.Max(max, 0f);
        if (symmetric)
        {
            xmax = MathF.Max(MathF.Abs(xmin), xmax);
            if (xmin < 0) xmin = -xmax;
        }
        if (xmin == 0 && xmax == 0)
        {
            xmin = -1;
            xmax = 1;
        }
        var scale = (xmax - xmin) / maxq;
        var zero = symmetric ? (maxq + 1) / 2 : MathF.Round(-xmin / scale);
        return new UniformGrid(scale, zero, 0f, maxq);
    }

    /// <summary>Quantizes W [rows, cols] given its Hessian. groupLength is cols·rows (per tensor), cols (per output
    /// channel) or the group size. A DiT-XL/2 layer takes minutes on a CPU, so <paramref name="cancellation"/> is checked
    /// during the Cholesky factorisation and before every column block, and <paramref name="report"/> hears where the
    /// work is: <c>Hessian factor 1024/4608</c>, <c>Hessian inverse</c>, then <c>columns 256/4608</c> after every
    /// block.</summary>
    public static UniformCodes Quantize(ReadOnlySpan<float> weight, int rows, int cols, int bits, bool symmetric,
        int groupLength, GptqStatistics statistics, string layer, int blockSize = BlockSize, CancellationToken cancellation = default,
        Action<string>? report = null)
    {
        if (statistics.Columns != cols)
            throw new QuantizationException(layer, $"GPTQ Hessian has {statistics.Columns} columns, the weight {cols}");
        if (statistics.Samples == 0)
            throw new QuantizationException(layer, "GPTQ needs calibration data but no samples were accumulated");

        var wt = new float[(long)cols * rows];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++) wt[(long)c * rows + r] = weight[r * cols + c];
        }
        // Whole-row or whole-tensor grids come from W before dead columns are zeroed, as in the reference.
        var perTensor = groupLength == rows * cols;
        var perRow = groupLength == cols;
        var groupsPerRow = perTensor ? 1 : cols / groupLength;
        var grids = new UniformGrid[perTensor ? 1 : rows * groupsPerRow];
        if (perTensor)
        {
            UniformKernels.MinMax(wt, out var min, out var max);
            grids[0] = Grid(min, max, bits, symmetric);
        }
        else if (perRow)
        {
            SetGroupGrids(wt, rows, 0, cols, 0, groupsPerRow, grids, bits, symmetric);
        }

        var h = statistics.Hessian();
        var diagonalSum = 0.0;
        for (var d = 0; d < cols; d++)
        {
            if (h[(long)d * cols + d] == 0)
            {
                h[(long)d * cols + d] = 1;
                Array.Clear(wt, d * rows, rows);
            }
            diagonalSum += h[(long)d * cols + d];
        }
        var damp = PercentDamp * diagonalSum / cols;
        for (var d = 0; d < cols; d++) h[(long)d * cols + d] += damp;
        var u64 = CholeskyInverse.UpperOfInverseInPlace(h, cols, cancellation, report)
            ?? throw new QuantizationException(layer, "GPTQ Hessian is not positive definite after damping");
        var u = new float[u64.Length];
        for (var i = 0; i < u.Length; i++) u[i] = (float)u64[i];

        var codes = new int[rows * cols];
        // One block and one error buffer for the whole layer (2.4 MB each for DiT-XL/2's fc2, 36 blocks).
        var block = new float[Math.Min(blockSize, cols) * rows];
        var errors = new float[block.Length];
        for (var i1 = 0; i1 < cols; i1 += blockSize)
        {
            cancellation.ThrowIfCancellationRequested();
            var i2 = Math.Min(i1 + blockSize, cols);
            var count = i2 - i1;
            Array.Copy(wt, (long)i1 * rows, block, 0, count * rows);
            for (var i = 0; i < count; i++)
            {
                var column = i1 + i;
                if (!perTensor && !perRow && column % groupLength == 0)
                    SetGroupGrids(wt, rows, column, groupLength, column / groupLength, groupsPerRow, grids, bits, symmetric);
                var w = block.AsSpan(i * rows, rows);
                var e = errors.AsSpan(i * rows, rows);
                var pivot = u[(long)column * cols + column];
                for (var r = 0; r < rows; r++)
                {
                    var grid = perTensor ? grids[0] : grids[r * groupsPerRow + column / groupLength];
                    var code = grid.Code(w[r]);
                    codes[r * cols + column] = (int)code;
                    e[r] = (w[r] - grid.Dequantize(code)) / pivot;
                }
                for (var j = i + 1; j < count; j++)
                    SubtractScaled(block.AsSpan(j * rows, rows), e, u[(long)column * cols + i1 + j]);
            }
            if (i2 < cols) LazyUpdate(wt, rows, cols, u, errors, i1, i2);
            report?.Invoke($"columns {i2}/{cols}");
        }
        return new UniformCodes(rows, cols, groupLength, codes, grids);
    }

    /// <summary>Grids of one group column for every output row, from Wᵀ rows [first, first + length).</summary>
    private static void SetGroupGrids(float[] wt, int rows, int first, int length, int groupIndex, int groupsPerRow,
        UniformGrid[] grids, int bits, bool symmetric)
    {
        var min = new float[rows];
        var max = new float[rows];
        Array.Copy(wt, (long)first * rows, min, 0, rows);
        Array.Copy(wt, (long)first * rows, max, 0, rows);
        for (var c = first + 1; c < first + length; c++)
        {
            var column = new ReadOnlySpan<float>(wt, c * rows, rows);
            for (var r = 0; r < rows; r++)
            {
                min[r] = MathF.Min(min[r], column[r]);
                max[r] = MathF.Max(max[r], column[r]);
            }
        }
        for (var r = 0; r < rows; r++) grids[r * groupsPerRow + groupIndex] = Grid(min[r], max[r], bits, symmetric);
    }

    /// <summary>W[:, i2:] −= Err·U[i1:i2, i2:], each element's sum formed first and subtracted once (as the reference's
    /// matrix product).</summary>
    private static void LazyUpdate(float[] wt, int rows, int cols, float[] u, float[] errors, int i1, int i2)
    {
        Parallel.For(i2, cols, () => new float[rows], (j, _, sum) =>
        {
            Array.Clear(sum);
            for (var k = i1; k < i2; k++)
                AddScaled(sum, new ReadOnlySpan<float>(errors, (k - i1) * rows, rows), u[(long)k * cols + j]);
            var target = wt.AsSpan(j * rows, rows);
            SubtractScaled(target, sum, 1f);
            return sum;
        }, _ => { });
    }

    /// <summary>target −= source·factor (product rounded, then the difference: no fused multiply-add).</summary>
    private static void SubtractScaled(Span<float> target, ReadOnlySpan<float> source, float factor)
    {
        var f = new Vector<float>(factor);
        var i = 0;
        for (; i <= target.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(target[i..]) - new Vector<float>(source[i..]) * f).CopyTo(target[i..]);
        for (; i < target.Length; i++) target[i] -= source[i] * factor;
    }

    private static void AddScaled(Span<float> target, ReadOnlySpan<float> source, float factor)
    {
        var f = new Vector<float>(factor);
        var i = 0;
        for (; i <= target.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(target[i..]) + new Vector<float>(source[i..]) * f).CopyTo(target[i..]);
        for (; i < target.Length; i++) target[i] += source[i] * factor;
    }
}
