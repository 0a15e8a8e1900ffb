// Activation fake-quantization (Quantization/ActivationQuantizer.cs): each group of `length` consecutive elements
// has a grid (scale, zero, lo, hi) computed on the host from the group's range (UniformGrid.QDit), so the grid is
// the CPU's bit for bit; here code = clamp(rint(x / scale) + zero, lo, hi) and y = scale * (code - zero), with IEEE
// division and round-half-even exactly as the CPU's scalar and vector paths.

#define GRID_STRIDE(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (long long)blockDim.x * gridDim.x)

extern "C" __global__ void fake_quantize_groups(const float* x, float* y, const float4* grids, long long length, long long n)
{
    GRID_STRIDE(i, n)
    {
        float4 g = grids[i / length];
        float code = fminf(fmaxf(__fadd_rn(rintf(__fdiv_rn(x[i], g.x)), g.y), g.z), g.w);
        y[i] = __fmul_rn(g.x, __fsub_rn(code, g.y));
    }
}

// Weight fake-quantization (Quantization/Weights/WeightQuantizer.cs, round to nearest on the "max" grid): the grid of
// each group from its range on the device, with the float32 operations of UniformGrid.QDit in the same order (IEEE
// division, round-half-even), so fake_quantize_groups then gives the host's values bit for bit. minima[g] is NaN for a
// group with a non-finite value; the host refuses such a weight before it reads a grid.
extern "C" __global__ void qdit_grids(const float* minima, const float* maxima, float4* grids, int bits, int symmetric, long long groups)
{
    GRID_STRIDE(g, groups)
    {
        float lo = minima[g], hi = maxima[g];
        float4 grid;
        if (symmetric)
        {
            float qmax = (float)((1 << (bits - 1)) - 1);
            float m = fmaxf(fmaxf(fabsf(lo), fabsf(hi)), 1e-5f);
            grid = make_float4(__fdiv_rn(m, qmax), 0.0f, (float)(-(1 << (bits - 1))), qmax);
        }
        else
        {
            float top = (float)((1 << bits) - 1);
            float scale = __fdiv_rn(fmaxf(__fsub_rn(hi, lo), 1e-5f), top);
            float zero = fminf(fmaxf(rintf(__fdiv_rn(-lo, scale)), 0.0f), top);
            grid = make_float4(scale, zero, 0.0f, top);
        }
        grids[g] = grid;
    }
}

// The sums of WeightQuantizer.RelativeError over a grid-stride share per block: sums[2b] = Σ (double)(w − q)², with
// the difference rounded to float32 first as on the host, and sums[2b + 1] = Σ (double)w²; the host adds the blocks.
#define SUM_THREADS 256

extern "C" __global__ void __launch_bounds__(SUM_THREADS) quant_error_sums(const float* w, const float* q, double* sums, long long n)
{
    __shared__ double error[SUM_THREADS];
    __shared__ double norm[SUM_THREADS];
    double e = 0.0, s = 0.0;
    for (long long i = (long long)blockIdx.x * SUM_THREADS + threadIdx.x; i < n; i += (long long)SUM_THREADS * gridDim.x)
    {
        double d = (double)__fsub_rn(w[i], q[i]);
        e += d * d;
        s += (double)w[i] * (double)w[i];
    }
    error[threadIdx.x] = e;
    norm[threadIdx.x] = s;
    __syncthreads();
    for (int k = SUM_THREADS / 2; k > 0; k >>= 1)
    {
        if (threadIdx.x < k)
        {
            error[threadIdx.x] += error[threadIdx.x + k];
            norm[threadIdx.x] += norm[threadIdx.x + k];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0)
    {
        sums[2 * blockIdx.x] = error[0];
        sums[2 * blockIdx.x + 1] = norm[0];
    }
}
