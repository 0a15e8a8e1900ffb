// Elementwise operations of ITensorBackend (docs/cuda.md). One thread per element, grid-stride loops, 64-bit
// indices. Formulas follow the CPU backend (src/QRecipe.Runtime/Backends/Cpu/Ops) so results agree to float rounding.

#define GRID_STRIDE(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (long long)blockDim.x * gridDim.x)

// GELU, tanh approximation written as x * sigmoid(2u), u = sqrt(2/pi) * (x + 0.044715 x^3) (docs/dit.md).
extern "C" __global__ void gelu_tanh(const float* x, float* y, long long n)
{
    GRID_STRIDE(i, n)
    {
        float v = x[i];
        y[i] = v / (1.0f + expf(-1.5957691216057308f * (v + 0.044715f * v * v * v)));
    }
}

extern "C" __global__ void silu(const float* x, float* y, long long n)
{
    GRID_STRIDE(i, n)
    {
        float v = x[i];
        y[i] = v / (1.0f + expf(-v));
    }
}

// y = a + b with b repeating every nb elements (b is a suffix of a's shape).
extern "C" __global__ void add_broadcast(const float* a, const float* b, float* y, long long n, long long nb)
{
    GRID_STRIDE(i, n) y[i] = a[i] + b[i % nb];
}

extern "C" __global__ void multiply_broadcast(const float* a, const float* b, float* y, long long n, long long nb)
{
    GRID_STRIDE(i, n) y[i] = a[i] * b[i % nb];
}

// adaLN modulate: x [N, T, D], shift and scale [N, D]: y = x * (1 + scale) + shift.
extern "C" __global__ void modulate(const float* x, const float* shift, const float* scale, float* y,
                                    int tokens, int width, long long n)
{
    GRID_STRIDE(i, n)
    {
        long long row = i / width;
        long long c = (row / tokens) * width + i % width;
        y[i] = x[i] * (1.0f + scale[c]) + shift[c];
    }
}

// adaLN-Zero residual: out = x + gate * y with gate [N, D].
extern "C" __global__ void gated_residual(const float* x, const float* gate, const float* y, float* out,
                                          int tokens, int width, long long n)
{
    GRID_STRIDE(i, n)
    {
        long long row = i / width;
        out[i] = x[i] + gate[(row / tokens) * width + i % width] * y[i];
    }
}

// Classifier-free guidance: combined [2N, C, plane] -> out [N, C, plane].
extern "C" __global__ void guidance(const float* combined, float* out, int samples, int channels, int plane,
                                    int guided, float scale)
{
    long long n = (long long)samples * channels * plane;
    GRID_STRIDE(i, n)
    {
        int ch = (int)((i / plane) % channels);
        float cond = combined[i];
        float uncond = combined[i + (long long)samples * channels * plane];
        out[i] = ch < guided ? uncond + scale * (cond - uncond) : cond;
    }
}

// y[r, j] += bias[j]: the bias of a GEMM, added after cuBLAS.
extern "C" __global__ void add_bias_rows(float* y, const float* bias, int columns, long long n)
{
    GRID_STRIDE(i, n) y[i] += bias[i % columns];
}

// y[n, c, p] += bias[c] for feature maps [N, C, plane] (convolution bias).
extern "C" __global__ void add_bias_channels(float* y, const float* bias, int channels, long long plane, long long n)
{
    GRID_STRIDE(i, n) y[i] += bias[(i / plane) % channels];
}

// Nearest-neighbour 2x upsampling of planes [P, H, W] -> [P, 2H, 2W].
extern "C" __global__ void upsample_nearest2x(const float* x, float* y, int height, int width, long long planes)
{
    long long n = planes * 4 * height * width;
    GRID_STRIDE(i, n)
    {
        long long plane = i / (4LL * height * width);
        int rest = (int)(i % (4LL * height * width));
        int oy = rest / (2 * width), ox = rest % (2 * width);
        y[i] = x[(plane * height + oy / 2) * width + ox / 2];
    }
}
