using System.Linq;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Execution;

/// <summary>Calibration's class labels: drawn in sequence from one stream of the recipe's seed. Recipe runs draw each
/// sample's label from its own stream instead (<see cref="SampleStreams"/>).</summary>
public static class ClassLabels
{
    /// <summary>Philox stream of the seed the labels are drawn from (streams 0.. are the noise).</summary>
    private const ulong LabelStream = 1UL << 40;

    public static int[] Draw(int samples, ulong seed, int classes)
    {
        var random = new PhiloxRandom(seed, LabelStream);
        return Enumerable.Range(0, samples).Select(_ => (int)random.NextBelow((uint)classes)).ToArray();
    }
}
