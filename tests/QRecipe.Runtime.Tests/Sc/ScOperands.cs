using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Tests.Sc;

/// <summary>Seeded standard-normal operands for the SC tests.</summary>
internal static class ScOperands
{
    public static float[] Normal(int count, ulong seed)
    {
        var values = new float[count];
        PhiloxRandom.FillNormal(values, seed);
        return values;
    }
}
