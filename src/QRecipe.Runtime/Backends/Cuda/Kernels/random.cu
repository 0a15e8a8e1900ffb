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

// The SC noise surrogate's noise (Sc/ScNoiseSurrogate.cs, sc-kernels.md §10.2) added to an exact product out [n, m]:
// bipolar sigma = baseSigma * aScale[i] * bScale[j]; unipolar sigma = sqrt(max(0, out * aScale * bScale * varianceFactor)).
// Scales hold one entry per row or a single entry (per tensor). The noise is element i of Philox stream (seed, stream).
extern "C" __global__ void sc_noise_add(float* out, const float* aScale, int aPerRow, const float* bScale, int bPerRow,
                                        int m, long long n, double baseSigma, double varianceFactor, int bipolar,
                                        unsigned long long seed, unsigned long long stream)
{
    GRID_STRIDE(i, n)
    {
        long long r = i / m;
        int j = (int)(i % m);
        double scales = (double)aScale[aPerRow ? r : 0] * bScale[bPerRow ? j : 0];
        double sigma = bipolar ? baseSigma * scales : sqrt(fmax(0.0, out[i] * scales * varianceFactor));
        float noise = (float)normal_at(i, seed, stream);
        out[i] = (float)(out[i] + sigma * noise);
    }
}
