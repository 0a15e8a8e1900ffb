namespace QRecipe.Generator;

/// <summary>The generator's assembly version, written into [GeneratedCode] attributes.</summary>
internal static class GeneratorVersion
{
    public static readonly string Value = typeof(GeneratorVersion).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";
}
