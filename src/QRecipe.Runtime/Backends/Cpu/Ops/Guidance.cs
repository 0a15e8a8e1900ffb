namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>Classifier-free guidance on a [2N, C, plane] output (only the first channels are guided, docs/dit.md).</summary>
internal static unsafe class Guidance
{
    public static void Apply(float* combined, float* output, int samples, int channels, int plane, int guidedChannels, float scale)
    {
        for (var n = 0; n < samples; n++)
        {
            for (var ch = 0; ch < channels; ch++)
            {
                var conditional = combined + ((nint)n * channels + ch) * plane;
                var unconditional = combined + ((nint)(n + samples) * channels + ch) * plane;
                var target = output + ((nint)n * channels + ch) * plane;
                for (var i = 0; i < plane; i++)
                    target[i] = ch < guidedChannels ? unconditional[i] + scale * (conditional[i] - unconditional[i]) : conditional[i];
            }
        }
    }
}
