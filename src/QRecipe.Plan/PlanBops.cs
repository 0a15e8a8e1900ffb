using System.Collections.Generic;
using System.Linq;

namespace QRecipe.Plan;

/// <summary>Bit operations of one operator kind, summed over the blocks and forward passes of one generated image.</summary>
/// <param name="Macs">Multiply-accumulates.</param>
/// <param name="Bops">Σ MACs × weight bits × activation bits at the recipe's widths (float operands count 32 bits,
/// k-means weights 16: their codebook entries are FP16 numbers; qk and av multiply two activations).</param>
/// <param name="Qua2SeDiMoBops">Qua2SeDiMo's convention: quantized weights count their width (k-means 16), float
/// weights and every activation 16 bits, whatever the recipe's activation widths.</param>
public sealed record OperatorBops(Operator Operator, double Macs, double Bops, double Qua2SeDiMoBops);

/// <summary>
/// The bit-operation cost of a plan per generated image (docs/language.md, "Budget"): every matrix product of every
/// forward pass, where a sample takes <see cref="ForwardsPerImage"/> passes (two per step under classifier-free
/// guidance). Normalisation layers, softmax and elementwise work are not counted.
/// </summary>
public sealed record PlanBops(IReadOnlyList<OperatorBops> Operators, int ForwardsPerImage)
{
    /// <summary>Bits a float operand counts as in <see cref="OperatorBops.Bops"/>.</summary>
    public const int FloatBits = 32;

    /// <summary>Bits every float operand and every activation counts as in Qua2SeDiMo's estimate (an FP16 model).</summary>
    public const int Qua2SeDiMoBits = 16;

    /// <summary>Bits of a k-means weight: the multiplication uses its FP16 codebook entry.</summary>
    public const int CodebookBits = 16;

    public double Macs => Operators.Sum(o => o.Macs);

    public double Bops => Operators.Sum(o => o.Bops);

    public double Qua2SeDiMoBops => Operators.Sum(o => o.Qua2SeDiMoBops);

    /// <summary>The same products with float weights and activations.</summary>
    public double FloatBops => Macs * FloatBits * FloatBits;

    /// <summary>Bit operations per multiply-accumulate over the block operators (the tune budget's unit).</summary>
    public double BlockBopsPerMac
    {
        get
        {
            var block = Operators.Where(o => Plan.Operators.IsPerBlock(o.Operator)).ToList();
            var macs = block.Sum(o => o.Macs);
            return macs == 0 ? 0 : block.Sum(o => o.Bops) / macs;
        }
    }

    public static PlanBops Of(RecipePlan plan)
    {
        var forwards = plan.Sampler.Cfg == 1 ? 1 : 2;
        var result = new List<OperatorBops>();
        foreach (var op in Plan.Operators.All)
        {
            double macs = plan.Model.Macs(op), total = 0, bops = 0, qua2sedimo = 0;
            var blocks = Plan.Operators.IsPerBlock(op) ? plan.Depth : 1;
            for (var step = 0; step < plan.Steps; step++)
            {
                for (var block = 0; block < blocks; block++)
                {
                    var cell = Plan.Operators.IsPerBlock(op) ? plan.Get(new Step(step), new Block(block), op) : plan.GetGlobal(step, op);
                    var a = cell.Activations.IsFloat ? FloatBits : cell.Activations.Bits;
                    var hasWeights = Plan.Operators.HasWeights(op);
                    var w = hasWeights ? WeightBits(cell.Weights, FloatBits) : a;
                    total += macs;
                    bops += macs * w * a;
                    qua2sedimo += macs * (hasWeights ? WeightBits(cell.Weights, Qua2SeDiMoBits) : Qua2SeDiMoBits) * Qua2SeDiMoBits;
                }
            }
            result.Add(new OperatorBops(op, total * forwards, bops * forwards, qua2sedimo * forwards));
        }
        return new PlanBops(result, forwards * plan.Steps);
    }

    private static int WeightBits(WeightQuant weights, int floatBits) => weights.IsFloat
        ? floatBits
        : weights.Method is WeightMethod.KMeansC or WeightMethod.KMeansA ? CodebookBits : weights.Bits;
}
