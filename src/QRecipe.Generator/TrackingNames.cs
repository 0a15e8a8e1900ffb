namespace QRecipe.Generator;

/// <summary>Names of the pipeline steps, public so tests can assert which steps re-ran after an edit.</summary>
internal static class TrackingNames
{
    public const string Options = nameof(Options);
    public const string Inputs = nameof(Inputs);
    public const string Models = nameof(Models);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Runtime = nameof(Runtime);
    public const string Sources = nameof(Sources);
    public const string Registry = nameof(Registry);
}
