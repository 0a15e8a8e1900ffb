namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>Patchify and unpatchify (docs/dit.md). Their layouts differ on purpose: the patch embedding orders a
/// patch vector (channel, ky, kx), the final layer orders it (py, px, channel).</summary>
internal static unsafe class Patching
{
    /// <summary>latent [N, C, H, W] → [N, (H/p)·(W/p), C·p·p]; token n = r·(W/p) + c, element ch·p·p + ky·p + kx.</summary>
    public static void Patchify(float* latent, float* tokens, int samples, int channels, int height, int width, int patch)
    {
        int rows = height / patch, columns = width / patch, vector = channels * patch * patch;
        for (var n = 0; n < samples; n++)
        {
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    var token = tokens + ((nint)n * rows * columns + r * columns + c) * vector;
                    for (var ch = 0; ch < channels; ch++)
                    {
                        for (var ky = 0; ky < patch; ky++)
                        {
                            var source = latent + (((nint)n * channels + ch) * height + r * patch + ky) * width + c * patch;
                            var target = token + (ch * patch + ky) * patch;
                            for (var kx = 0; kx < patch; kx++)
                                target[kx] = source[kx];
                        }
                    }
                }
            }
        }
    }

    /// <summary>[N, h·w, p·p·C] → [N, C, h·p, w·p]: output[n, ch, r·p + py, c·p + px] = x[n, r·w + c, (py·p + px)·C + ch].</summary>
    public static void Unpatchify(float* tokens, float* image, int samples, int channels, int rows, int columns, int patch)
    {
        int height = rows * patch, width = columns * patch, vector = channels * patch * patch;
        for (var n = 0; n < samples; n++)
        {
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    var token = tokens + ((nint)n * rows * columns + r * columns + c) * vector;
                    for (var py = 0; py < patch; py++)
                    {
                        for (var px = 0; px < patch; px++)
                        {
                            for (var ch = 0; ch < channels; ch++)
                                image[(((nint)n * channels + ch) * height + r * patch + py) * width + c * patch + px] = token[(py * patch + px) * channels + ch];
                        }
                    }
                }
            }
        }
    }
}
