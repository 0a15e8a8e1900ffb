using System;
using System.Threading;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization.SecondOrder;

namespace QRecipe.Runtime.Quantization.Weights;

/// <summary>Entry point for weight quantization of one linear layer, W [out, in] row-major, as a plan's
/// <see cref="WeightQuant"/> says (docs/quantization.md). Conventions per method: rtn and mse use Q-DiT's
/// "max" grid, gptq Q-DiT's GPTQ grid, uaq/kmeans-c/kmeans-a Qua2SeDiMo's.</summary>
public static class WeightQuantizer
{
    /// <param name="cancellation">Checked by GPTQ before every column block; the other methods take well under a
    /// second per layer and are not interrupted.</param>
    /// <param name="inside">Where GPTQ is inside the layer (Hessian factorisation, column blocks).</param>
    public static QuantizedWeight Quantize(ReadOnlySpan<float> weight, int outFeatures, int inFeatures, WeightQuant setting,
        GptqStatistics? hessian, string layer, CancellationToken cancellation = default, Action<string>? inside = null)
    {
        var groupLength = GroupLength(weight.Length, outFeatures, inFeatures, setting, layer);
        QuantGuard.Finite(layer, "weight", weight, inFeatures);

        UniformCodes? uniform = null;
        CodebookCodes? codebook = null;
        long overhead;
        switch (setting.Method)
        {
            case WeightMethod.Gptq:
                if (hessian is null) throw new QuantizationException(layer, "gptq needs calibration statistics (no Hessian given)");
                uniform = Gptq.Quantize(weight, outFeatures, inFeatures, setting.Bits, setting.Symmetric, groupLength, hessian, layer,
                    cancellation: cancellation, report: inside);
                overhead = uniform.Grids.Length * (setting.Symmetric ? 1L : 2L); // symmetric GPTQ zero is the constant (maxq+1)/2
                break;
            case WeightMethod.KMeansC:
            case WeightMethod.KMeansA:
                codebook = Cluster(weight, outFeatures, inFeatures, setting.Bits, groupLength);
                overhead = 0;
                foreach (var book in codebook.Codebooks) overhead += book.Length;
                break;
            default:
                uniform = Uniform(weight, outFeatures, inFeatures, setting, groupLength);
                overhead = uniform.Grids.Length * (setting.Symmetric ? 1L : 2L);
                break;
        }
        var dequantized = uniform?.Dequantize() ?? codebook!.Dequantize();
        var report = new WeightQuantReport(layer, setting, weight.Length, overhead, RelativeError(weight, dequantized));
        return new QuantizedWeight(dequantized, uniform, codebook, report);
    }

    /// <summary>The checks every quantizer of a weight makes before it reads the values (a real setting, supported width,
    /// shape, groups that fit, the granularity the method works at), and the length of a group.</summary>
    internal static int GroupLength(int elements, int outFeatures, int inFeatures, WeightQuant setting, string layer)
    {
        if (setting.IsFloat) throw new QuantizationException(layer, "setting is fp: floating-point layers are not quantized");
        QuantGuard.Bits(layer, setting.Bits, QuantGuard.MaxWeightBits);
        QuantGuard.Shape(layer, elements, outFeatures, inFeatures);
        var groupLength = GroupLayout.Length(layer, setting.Granularity, setting.GroupSize, outFeatures, inFeatures, weight: true);
        if (setting.Method is WeightMethod.KMeansC or WeightMethod.Uaq && setting.Granularity != Granularity.PerChannel)
            throw new QuantizationException(layer, $"{WeightQuant.MethodText(setting.Method)} works per output channel, not {setting.Granularity}");
        if (setting.Method == WeightMethod.KMeansA && setting.Granularity != Granularity.PerTensor)
            throw new QuantizationException(layer, $"kmeans-a clusters the whole tensor, not {setting.Granularity}");
        return groupLength;
    }

    /// <summary>‖W − Ŵ‖_F / ‖W‖_F (0 for an all-zero W reproduced exactly).</summary>
    public static double RelativeError(ReadOnlySpan<float> weight, ReadOnlySpan<float> dequantized)
    {
        double error = 0, norm = 0;
        for (var i = 0; i < weight.Length; i++)
        {
            double d = weight[i] - dequantized[i];
            error += d * d;
            norm += (double)weight[i] * weight[i];
        }
        return RelativeError(error, norm);
    }

    /// <summary>‖W − Ŵ‖_F / ‖W‖_F from the two sums of squares (the first alone when W is all zero).</summary>
    public static double RelativeError(double squaredError, double squaredNorm) =>
        squaredNorm == 0 ? Math.Sqrt(squaredError) : Math.Sqrt(squaredError / squaredNorm);

    private static UniformCodes Uniform(ReadOnlySpan<float> weight, int rows, int cols, WeightQuant setting, int groupLength)
    {
        var grids = new UniformGrid[weight.Length / groupLength];
        var codes = new int[weight.Length];
        for (var g = 0; g < grids.Length; g++)
        {
            var group = weight.Slice(g * groupLength, groupLength);
            grids[g] = UniformGridOf(group, setting);
            UniformKernels.Encode(group, codes.AsSpan(g * groupLength, groupLength), grids[g]);
        }
        return new UniformCodes(rows, cols, groupLength, codes, grids);
    }

    /// <summary>The grid of one group for the uniform methods rtn (the "max" grid), mse and uaq (their searches).</summary>
    internal static UniformGrid UniformGridOf(ReadOnlySpan<float> group, WeightQuant setting) => setting.Method switch
    {
        WeightMethod.Mse => GridSearch.QDitMse(group, setting.Bits, setting.Symmetric),
        WeightMethod.Uaq => GridSearch.Uaq(group, setting.Bits, setting.Symmetric),
        _ => MaxGrid(group, setting.Bits, setting.Symmetric),
    };

    private static UniformGrid MaxGrid(ReadOnlySpan<float> group, int bits, bool symmetric)
    {
        UniformKernels.MinMax(group, out var min, out var max);
        return UniformGrid.QDit(min, max, bits, symmetric);
    }

    private static CodebookCodes Cluster(ReadOnlySpan<float> weight, int rows, int cols, int bits, int groupLength)
    {
        var indices = new byte[weight.Length];
        var books = new float[weight.Length / groupLength][];
        for (var g = 0; g < books.Length; g++)
            books[g] = KMeans1D.Cluster(weight.Slice(g * groupLength, groupLength), bits, indices.AsSpan(g * groupLength, groupLength));
        return new CodebookCodes(rows, cols, groupLength, indices, books);
    }
}
