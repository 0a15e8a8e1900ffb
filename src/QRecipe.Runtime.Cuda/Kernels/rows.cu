// Row-wise reductions: one 256-thread block per row, tree reductions in shared memory. Two passes for LayerNorm
// (mean, then squared deviations) as the CPU backend does, for accuracy at large |x|.

#define THREADS 256

__device__ float block_sum(float v, float* shared)
{
    shared[threadIdx.x] = v;
    __syncthreads();
    for (int s = THREADS / 2; s > 0; s >>= 1)
    {
        if (threadIdx.x < s)
            shared[threadIdx.x] += shared[threadIdx.x + s];
        __syncthreads();
    }
    float result = shared[0];
    __syncthreads();
    return result;
}

__device__ float block_max(float v, float* shared)
{
    shared[threadIdx.x] = v;
    __syncthreads();
    for (int s = THREADS / 2; s > 0; s >>= 1)
    {
        if (threadIdx.x < s)
            shared[threadIdx.x] = fmaxf(shared[threadIdx.x], shared[threadIdx.x + s]);
        __syncthreads();
    }
    float result = shared[0];
    __syncthreads();
    return result;
}

extern "C" __global__ void __launch_bounds__(THREADS) softmax_rows(const float* x, float* y, int width)
{
    __shared__ float shared[THREADS];
    const float* in = x + (long long)blockIdx.x * width;
    float* out = y + (long long)blockIdx.x * width;
    float m = -__int_as_float(0x7f800000);
    for (int i = threadIdx.x; i < width; i += THREADS)
        m = fmaxf(m, in[i]);
    m = block_max(m, shared);
    float s = 0.0f;
    for (int i = threadIdx.x; i < width; i += THREADS)
    {
        float e = expf(in[i] - m);
        out[i] = e;
        s += e;
    }
    float inverse = 1.0f / block_sum(s, shared);
    for (int i = threadIdx.x; i < width; i += THREADS)
        out[i] *= inverse;
}

extern "C" __global__ void __launch_bounds__(THREADS) layernorm_rows(const float* x, float* y, int width, float epsilon)
{
    __shared__ float shared[THREADS];
    const float* in = x + (long long)blockIdx.x * width;
    float* out = y + (long long)blockIdx.x * width;
    float s = 0.0f;
    for (int i = threadIdx.x; i < width; i += THREADS)
        s += in[i];
    float mean = block_sum(s, shared) / width;
    float q = 0.0f;
    for (int i = threadIdx.x; i < width; i += THREADS)
    {
        float d = in[i] - mean;
        q += d * d;
    }
    float inverse = 1.0f / sqrtf(block_sum(q, shared) / width + epsilon);
    for (int i = threadIdx.x; i < width; i += THREADS)
        out[i] = (in[i] - mean) * inverse;
}

extern "C" __global__ void __launch_bounds__(THREADS) absmax_rows(const float* x, float* out, int width)
{
    __shared__ float shared[THREADS];
    const float* in = x + (long long)blockIdx.x * width;
    float m = 0.0f;
    for (int i = threadIdx.x; i < width; i += THREADS)
        m = fmaxf(m, fabsf(in[i]));
    m = block_max(m, shared);
    if (threadIdx.x == 0)
        out[blockIdx.x] = m;
}

// max |x| per column; one thread per column (columns are contiguous across threads, so loads coalesce).
extern "C" __global__ void absmax_columns(const float* x, float* out, int rows, int columns)
{
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= columns)
        return;
    float m = 0.0f;
    for (int r = 0; r < rows; r++)
        m = fmaxf(m, fabsf(x[(long long)r * columns + c]));
    out[c] = m;
}

// Minimum and maximum of consecutive groups of `length` elements (activation quantization ranges); a group holding
// NaN or an infinity gets a NaN minimum so the host can report the offending value.
extern "C" __global__ void __launch_bounds__(THREADS) minmax_groups(const float* x, float* minima, float* maxima, int length)
{
    __shared__ float shared[THREADS];
    const float* in = x + (long long)blockIdx.x * length;
    float lo = __int_as_float(0x7f800000), hi = -__int_as_float(0x7f800000), bad = 0.0f;
    for (int i = threadIdx.x; i < length; i += THREADS)
    {
        lo = fminf(lo, in[i]);
        hi = fmaxf(hi, in[i]);
        bad = isfinite(in[i]) ? bad : 1.0f;
    }
    hi = block_max(hi, shared);
    lo = -block_max(-lo, shared);
    bad = block_max(bad, shared);
    if (threadIdx.x == 0)
    {
        minima[blockIdx.x] = bad != 0.0f ? __int_as_float(0x7fc00000) : lo;
        maxima[blockIdx.x] = hi;
    }
}

// How many of n elements are NaN or infinite (exponent bits all ones), one partial count per block for the host to
// add up: the check after every operator of a forward pass. Integer sums, so a count is exact however large.
extern "C" __global__ void __launch_bounds__(THREADS) count_nonfinite(const float* x, int* counts, long long n)
{
    __shared__ int shared[THREADS];
    int c = 0;
    for (long long i = (long long)blockIdx.x * THREADS + threadIdx.x; i < n; i += (long long)THREADS * gridDim.x)
        c += (__float_as_uint(x[i]) & 0x7f800000u) == 0x7f800000u;
    shared[threadIdx.x] = c;
    __syncthreads();
    for (int s = THREADS / 2; s > 0; s >>= 1)
    {
        if (threadIdx.x < s)
            shared[threadIdx.x] += shared[threadIdx.x + s];
        __syncthreads();
    }
    if (threadIdx.x == 0)
        counts[blockIdx.x] = shared[0];
}

// GroupNorm of [N, C, S]: block (n, g) normalises channels [g*C/G, (g+1)*C/G) over S positions, then the affine.
extern "C" __global__ void __launch_bounds__(THREADS) group_norm(const float* x, const float* weight, const float* bias,
                                                                 float* y, int channels, int spatial, int groups, float epsilon)
{
    __shared__ float shared[THREADS];
    int per = channels / groups;
    int n = blockIdx.x / groups, g = blockIdx.x % groups;
    long long start = ((long long)n * channels + (long long)g * per) * spatial;
    int count = per * spatial;
    float s = 0.0f;
    for (int i = threadIdx.x; i < count; i += THREADS)
        s += x[start + i];
    float mean = block_sum(s, shared) / count;
    float q = 0.0f;
    for (int i = threadIdx.x; i < count; i += THREADS)
    {
        float d = x[start + i] - mean;
        q += d * d;
    }
    float inverse = 1.0f / sqrtf(block_sum(q, shared) / count + epsilon);
    for (int i = threadIdx.x; i < count; i += THREADS)
    {
        int c = g * per + i / spatial;
        y[start + i] = (x[start + i] - mean) * inverse * weight[c] + bias[c];
    }
}
