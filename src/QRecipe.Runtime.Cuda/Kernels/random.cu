// Philox4x32-10 normals (Random/Philox4x32.cs, Random/PhiloxRandom.cs): normal i of (seed, stream) comes from block
// i/2, Box-Muller on two 53-bit uniforms u = (x0, x1), v = (x2, x3); z0 = r cos(2 pi v), z1 = r sin(2 pi v). The
// integer stream is bit-exact; the normals agree to the double-precision libm rounding (then rounded to float).

__device__ uint4 philox_block(unsigned long long block, unsigned long long stream, unsigned long long seed)
{
    unsigned int c0 = (unsigned int)block, c1 = (unsigned int)(block >> 32);
    unsigned int c2 = (unsigned int)stream, c3 = (unsigned int)(stream >> 32);
    unsigned int k0 = (unsigned int)seed, k1 = (unsigned int)(seed >> 32);
    for (int round = 0; round < 10; round++)
    {
        if (round > 0)
        {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        unsigned long long p0 = (unsigned long long)0xD2511F53u * c0;
        unsigned long long p1 = (unsigned long long)0xCD9E8D57u * c2;
        unsigned int n0 = (unsigned int)(p1 >> 32) ^ c1 ^ k0;
        unsigned int n2 = (unsigned int)(p0 >> 32) ^ c3 ^ k1;
        c1 = (unsigned int)p1;
        c3 = (unsigned int)p0;
        c0 = n0;
        c2 = n2;
    }
    return make_uint4(c0, c1, c2, c3);
}

__device__ double uniform53(unsigned int high, unsigned int low)
{
    return (double)(((unsigned long long)(high >> 5) << 26) | (low >> 6)) * (1.0 / 9007199254740992.0);
}

__device__ double normal_at(long long i, unsigned long long seed, unsigned long long stream)
{
    uint4 b = philox_block((unsigned long long)i / 2, stream, seed);
    double u = uniform53(b.x, b.y), v = uniform53(b.z, b.w);
    double radius = sqrt(-2.0 * log(1.0 - u));
    double angle = 2.0 * 3.141592653589793 * v;
    return radius * ((i & 1) ? sin(angle) : cos(angle));
}

#define GRID_STRIDE(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (long long)blockDim.x * gridDim.x)

extern "C" __global__ void philox_normal(float* y, long long n, unsigned long long seed, unsigned long long stream, float mean, float std)
{
    GRID_STRIDE(i, n) y[i] = (float)(mean + std * normal_at(i, seed, stream));
}

// The SC noise surrogate's float32 normals (Random/SurrogateNormals.cs): normal i comes from block i/4, pair (x0, x1)
// for i mod 4 < 2, else (x2, x3), even i the cosine. Every step is one IEEE float operation or the same fused
// multiply-add as the CPU code, written as an intrinsic so that --fmad cannot contract it: the bits equal the CPU's.
__device__ float surrogate_ln(float x)
{
    unsigned int bits = __float_as_uint(x);
    int e = (int)(bits >> 23) - 127;
    float m = __uint_as_float((bits & 0x7FFFFFu) | 0x3F800000u);
    if (m >= 1.41421356f)
    {
        m = __fmul_rn(m, 0.5f);
        e++;
    }
    float f = __fsub_rn(m, 1.0f);
    float s = __fdiv_rn(f, __fadd_rn(2.0f, f));
    float z = __fmul_rn(s, s);
    float two_s = __fmul_rn(2.0f, s);
    float series = __fmaf_rn(__fmaf_rn(__fmaf_rn(__fmaf_rn(1.0f / 11, z, 1.0f / 9), z, 1.0f / 7), z, 1.0f / 5), z, 1.0f / 3);
    float ln_m = __fmaf_rn(__fmul_rn(two_s, z), series, two_s);
    float ef = (float)e;
    return __fmaf_rn(ef, 0.693145752f, __fmaf_rn(ef, 1.42860677e-6f, ln_m));
}

__device__ float surrogate_normal_at(long long i, unsigned long long seed, unsigned long long stream)
{
    uint4 b = philox_block((unsigned long long)i / 4, stream, seed);
    unsigned int u = (i & 2) ? b.z : b.x, v = (i & 2) ? b.w : b.y;
    float radius = __fsqrt_rn(__fmul_rn(-2.0f, surrogate_ln(__fsub_rn(1.0f, __fmul_rn((float)(u >> 8), 1.0f / 16777216.0f)))));
    int t = (int)(v >> 8);
    int quadrant = (t + (1 << 21)) >> 22;
    float y = __fmul_rn((float)(t - (quadrant << 22)), (float)(2.0 * 3.141592653589793 / 16777216.0));
    float y2 = __fmul_rn(y, y);
    float sin_series = __fmaf_rn(__fmaf_rn(__fmaf_rn(1.0f / 362880, y2, -1.0f / 5040), y2, 1.0f / 120), y2, -1.0f / 6);
    float sin_y = __fmaf_rn(__fmul_rn(y, y2), sin_series, y);
    float cos_series = __fmaf_rn(__fmaf_rn(__fmaf_rn(__fmaf_rn(-1.0f / 3628800, y2, 1.0f / 40320), y2, -1.0f / 720), y2, 1.0f / 24), y2, -1.0f / 2);
    float cos_y = __fmaf_rn(y2, cos_series, 1.0f);
    float sin_t, cos_t;
    switch (quadrant & 3)
    {
        case 0: sin_t = sin_y; cos_t = cos_y; break;
        case 1: sin_t = cos_y; cos_t = -sin_y; break;
        case 2: sin_t = -sin_y; cos_t = -cos_y; break;
        default: sin_t = -cos_y; cos_t = sin_y; break;
    }
    return __fmul_rn(radius, (i & 1) ? sin_t : cos_t);
}

// The SC noise surrogate's noise (Sc/ScNoiseSurrogate.cs, docs/sc-engine.md) added to an exact product out [n, m] in
// float32: the row factor (baseSigma or varianceFactor times aScale[r]) rounded to float once, times bScale[j] gives
// the scale; bipolar sigma = scale, unipolar sigma = sqrt(max(0, out * scale)); out = fma(sigma, normal, out).
// Scales hold one entry per row or a single entry (per tensor). The noise is element i of the surrogate normals.
extern "C" __global__ void sc_noise_add(float* out, const float* aScale, int aPerRow, const float* bScale, int bPerRow,
                                        int m, long long n, double baseSigma, double varianceFactor, int bipolar,
                                        unsigned long long seed, unsigned long long stream)
{
    GRID_STRIDE(i, n)
    {
        long long r = i / m;
        int j = (int)(i % m);
        float row_factor = (float)((bipolar ? baseSigma : varianceFactor) * (double)aScale[aPerRow ? r : 0]);
        float scale = __fmul_rn(row_factor, bScale[bPerRow ? j : 0]);
        float product = out[i];
        float sigma = bipolar ? scale : __fsqrt_rn(fmaxf(0.0f, __fmul_rn(product, scale)));
        out[i] = __fmaf_rn(sigma, surrogate_normal_at(i, seed, stream), product);
    }
}
