using QRecipe.Plan;

namespace QRecipe.Runtime.Quantization.Weights;

/// <summary>Length of the contiguous row-major runs that share one grid. Groups run along the input (reduction)
/// dimension, so every group of a [rows, cols] matrix is a contiguous span (docs/quantization.md).</summary>
internal static class GroupLayout
{
    public static int Length(string layer, Granularity granularity, int groupSize, int rows, int cols, bool weight)
    {
        switch (granularity)
        {
            case Granularity.PerTensor:
                return rows * cols;
            case Granularity.Group:
                QuantGuard.GroupDivides(layer, groupSize, cols);
                return groupSize;
            case Granularity.PerChannel when weight:
            case Granularity.PerToken when !weight:
                return cols;
            default:
                throw new QuantizationException(layer, $"granularity {granularity} does not apply to {(weight ? "weights" : "activations")}");
        }
    }
}
