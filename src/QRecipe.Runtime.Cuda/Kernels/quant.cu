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
