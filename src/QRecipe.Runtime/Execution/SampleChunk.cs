namespace QRecipe.Runtime.Execution;

/// <summary>One chunk of a run's samples as the recipe left them: chunk <paramref name="Index"/> holds the samples
/// <paramref name="FirstSample"/> .. FirstSample + Labels.Length − 1, their class labels and final states
/// (<paramref name="Latents"/>: Labels.Length × C × L × L, pixels in [−1, 1] for a pixel-space model).</summary>
public sealed record SampleChunk(int Index, int FirstSample, int[] Labels, float[] Latents);
