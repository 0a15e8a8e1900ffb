// The two ends of an SC product on the device (docs/sc-engine.md, docs/cuda.md): operands quantized to SC codes and
// the integer accumulators decoded with the operands' per-row scales, bit for bit the CPU engine's ScQuantizer
// (a range per row) and ScPartialDecoder (per-row scales). Every float step is one IEEE operation in the CPU's order
// (__fdiv_rn, __fmul_rn, __fadd_rn: no contraction into fused multiply-adds), rounding is half to even (rintf) and
// the enable boundary is integer arithmetic.

#define SC_THREADS 256

__device__ float sc_block_max(float v, float* shared)
{
    shared[threadIdx.x] = v;
    __syncthreads();
    for (int s = SC_THREADS / 2; s > 0; s >>= 1)
    {
        if (threadIdx.x < s)
            shared[threadIdx.x] = fmaxf(shared[threadIdx.x], shared[threadIdx.x + s]);
        __syncthreads();
    }
    float result = shared[0];
    __syncthreads();
    return result;
}

__device__ long long sc_block_sum(long long v, long long* shared)
{
    shared[threadIdx.x] = v;
    __syncthreads();
    for (int s = SC_THREADS / 2; s > 0; s >>= 1)
    {
        if (threadIdx.x < s)
            shared[threadIdx.x] += shared[threadIdx.x + s];
        __syncthreads();
    }
    long long result = shared[0];
    __syncthreads();
    return result;
}

// One block per row of `dims` elements. Bipolar: scale = max(max |x|, 1e-5) / qmax, x_int = clamp(rint(x / scale),
// ±qmax). Unipolar: scale = max(max − min, 1e-5) / qmax, zero point clamp(rint(−min / scale), 0, qmax),
// x_int = clamp(rint(x / scale + zp), 0, qmax), and the row's integer sum. Boundary = floor((2·|x_int|·G + qmax) /
// (2·qmax)), sign ±1 (0 for x_int = 0; always +1 unipolar). A row holding NaN or ±∞ gets a NaN scale, which the host
// checks for (sc_count_nan) and then names the element as the CPU engine does.
extern "C" __global__ void __launch_bounds__(SC_THREADS) sc_quantize_rows(const float* x, unsigned short* boundary, signed char* sign,
                                                                         float* scale, float* zeroPoint, long long* rowSum, int dims,
                                                                         int qmax, int grid, int unipolar)
{
    __shared__ float shared[SC_THREADS];
    __shared__ long long sums[SC_THREADS];
    long long row = blockIdx.x;
    const float* in = x + row * dims;
    float lo = __int_as_float(0x7f800000), hi = -__int_as_float(0x7f800000), bad = 0.0f;
    for (int i = threadIdx.x; i < dims; i += SC_THREADS)
    {
        lo = fminf(lo, in[i]);
        hi = fmaxf(hi, in[i]);
        bad = isfinite(in[i]) ? bad : 1.0f;
    }
    hi = sc_block_max(hi, shared);
    lo = -sc_block_max(-lo, shared);
    bad = sc_block_max(bad, shared);
    float q = (float)qmax;
    float s = unipolar ? __fdiv_rn(fmaxf(__fsub_rn(hi, lo), 1e-5f), q) : __fdiv_rn(fmaxf(fmaxf(fabsf(lo), fabsf(hi)), 1e-5f), q);
    float zp = unipolar ? fminf(fmaxf(rintf(__fdiv_rn(-lo, s)), 0.0f), q) : 0.0f;
    long long sum = 0;
    for (int i = threadIdx.x; i < dims; i += SC_THREADS)
    {
        long long e = row * dims + i;
        int v;
        if (unipolar)
        {
            v = (int)fminf(fmaxf(rintf(__fadd_rn(__fdiv_rn(in[i], s), zp)), 0.0f), q);
            sum += v;
            sign[e] = 1;
        }
        else
        {
            v = (int)fminf(fmaxf(rintf(__fdiv_rn(in[i], s)), -q), q);
            sign[e] = (signed char)((v > 0) - (v < 0));
        }
        long long magnitude = v < 0 ? -v : v;
        boundary[e] = (unsigned short)((2 * magnitude * grid + qmax) / (2LL * qmax));
    }
    sum = sc_block_sum(sum, sums);
    if (threadIdx.x == 0)
    {
        scale[row] = bad != 0.0f ? __int_as_float(0x7fc00000) : s;
        if (unipolar)
        {
            zeroPoint[row] = zp;
            rowSum[row] = sum;
        }
    }
}

// count[0] = how many of n scales are NaN (one block), so one integer tells the host whether an operand was finite.
extern "C" __global__ void __launch_bounds__(SC_THREADS) sc_count_nan(const float* scale, int* count, long long n)
{
    __shared__ long long sums[SC_THREADS];
    long long c = 0;
    for (long long i = threadIdx.x; i < n; i += SC_THREADS)
        c += scale[i] != scale[i];
    c = sc_block_sum(c, sums);
    if (threadIdx.x == 0)
        count[0] = (int)c;
}

// out[s, i, j] for slices of n×m: the decode of acc with rows i of a and j of b (row indices s·n + i and s·m + j),
// written as the host writes it: 0 + (fp32(acc)·factor)·(sa·sb) into the cleared output, the unipolar zero-point
// terms added to the scaled count first; then ·alpha (the attention scale) and + bias[j] (a linear layer's bias),
// each its own rounding. alpha = 1 and no bias leave the value as it is.
extern "C" __global__ void sc_decode_rows(const int* acc, const float* scaleA, const float* scaleB, const float* zpA, const float* zpB,
                                          const long long* sumA, const long long* sumB, float* out, const float* bias, float factor,
                                          float alpha, int n, int m, int dims, long long count)
{
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < count; e += (long long)blockDim.x * gridDim.x)
    {
        long long slice = e / ((long long)n * m);
        int i = (int)((e / m) % n), j = (int)(e % m);
        long long ra = slice * n + i, rb = slice * m + j;
        float raw = __fmul_rn((float)acc[e], factor);
        if (zpA != 0)
        {
            float terms = __fsub_rn(__fmul_rn(-zpB[rb], (float)sumA[ra]), __fmul_rn(zpA[ra], (float)sumB[rb]));
            raw = __fadd_rn(raw, __fadd_rn(terms, __fmul_rn(__fmul_rn((float)dims, zpA[ra]), zpB[rb])));
        }
        float v = __fadd_rn(0.0f, __fmul_rn(raw, __fmul_rn(scaleA[ra], scaleB[rb])));
        v = __fmul_rn(v, alpha);
        out[e] = bias != 0 ? __fadd_rn(v, bias[j]) : v;
    }
}
