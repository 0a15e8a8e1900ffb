// Layout changes and embeddings; one thread per output element. Index maps as in Backends/Cpu/Ops/Patching.cs,
// Heads.cs and Embeddings.cs.

#define GRID_STRIDE(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (long long)blockDim.x * gridDim.x)

// latent [N, C, H, W] -> tokens [N, (H/p)(W/p), C*p*p], element ch*p*p + ky*p + kx (docs/dit.md).
extern "C" __global__ void patchify(const float* latent, float* tokens, int channels, int height, int width, int p, long long n)
{
    int columns = width / p, vector = channels * p * p;
    long long perSample = (long long)(height / p) * columns * vector;
    GRID_STRIDE(i, n)
    {
        long long sample = i / perSample;
        long long rest = i % perSample;
        int token = (int)(rest / vector), e = (int)(rest % vector);
        int ch = e / (p * p), ky = (e / p) % p, kx = e % p;
        int r = token / columns, c = token % columns;
        tokens[i] = latent[((sample * channels + ch) * height + r * p + ky) * width + c * p + kx];
    }
}

// tokens [N, h*w, p*p*C] -> image [N, C, h*p, w*p], element (py*p + px)*C + ch (docs/dit.md).
extern "C" __global__ void unpatchify(const float* tokens, float* image, int channels, int rows, int columns, int p, long long n)
{
    int height = rows * p, width = columns * p;
    GRID_STRIDE(i, n)
    {
        int x = (int)(i % width), y = (int)((i / width) % height);
        long long plane = i / ((long long)width * height);
        int ch = (int)(plane % channels);
        long long sample = plane / channels;
        int token = (y / p) * columns + x / p;
        image[i] = tokens[((sample * rows * columns) + token) * (long long)(channels * p * p) + ((y % p) * p + x % p) * channels + ch];
    }
}

// qkv [N, T, 3*H*hd] -> part [N, H, T, hd] taking channels [offset + h*hd, offset + (h+1)*hd).
extern "C" __global__ void gather_heads(const float* qkv, float* part, int heads, int tokens, int hd, int offset, long long n)
{
    int width = 3 * heads * hd;
    GRID_STRIDE(i, n)
    {
        int j = (int)(i % hd), t = (int)((i / hd) % tokens);
        long long h = (i / ((long long)hd * tokens)) % heads, sample = i / ((long long)hd * tokens * heads);
        part[i] = qkv[(sample * tokens + t) * width + offset + h * hd + j];
    }
}

// heads [N, H, T, hd] -> merged [N, T, H*hd].
extern "C" __global__ void merge_heads(const float* heads, float* merged, int count, int tokens, int hd, long long n)
{
    GRID_STRIDE(i, n)
    {
        int j = (int)(i % hd);
        long long h = (i / hd) % count, t = (i / ((long long)hd * count)) % tokens, sample = i / ((long long)hd * count * tokens);
        merged[i] = heads[((sample * count + h) * tokens + t) * hd + j];
    }
}

// [B, R, C] -> [B, C, R].
extern "C" __global__ void transpose_last_two(const float* x, float* y, int rows, int columns, long long n)
{
    GRID_STRIDE(i, n)
    {
        int r = (int)(i % rows), c = (int)((i / rows) % columns);
        long long b = i / ((long long)rows * columns);
        y[i] = x[(b * rows + r) * columns + c];
    }
}

// output[k] = table[ids[k]]; ids were range-checked on the host.
extern "C" __global__ void embedding_lookup(const float* table, const int* ids, float* out, int width, long long n)
{
    GRID_STRIDE(i, n) out[i] = table[(long long)ids[i / width] * width + i % width];
}

// [N, F]: [cos(t f_k), sin(t f_k)], f_k = exp(-ln(maxPeriod) k / half) in float32; odd F leaves a zero column.
extern "C" __global__ void timestep_embedding(const float* timesteps, float* out, int width, float logPeriod, long long n)
{
    int half = width / 2;
    GRID_STRIDE(i, n)
    {
        int k = (int)(i % width);
        long long row = i / width;
        if (k >= 2 * half)
        {
            out[i] = 0.0f;
            continue;
        }
        int f = k % half;
        float argument = timesteps[row] * expf(logPeriod * f / half);
        out[i] = k < half ? cosf(argument) : sinf(argument);
    }
}

// One image [C, H, W] -> columns [C*k*k, H*W] for a stride-1 "same" convolution (padding (k-1)/2, zeros outside):
// row (c*k + ky)*k + kx matches the weight layout [Cout, Cin, k, k], so the convolution is weight . columns.
extern "C" __global__ void im2col_same(const float* image, float* columns, int height, int width, int k, long long n)
{
    int pad = (k - 1) / 2;
    long long plane = (long long)height * width;
    GRID_STRIDE(i, n)
    {
        long long row = i / plane;
        int position = (int)(i % plane);
        int kx = (int)(row % k), ky = (int)((row / k) % k);
        long long c = row / ((long long)k * k);
        int y = position / width + ky - pad, x = position % width + kx - pad;
        columns[i] = y >= 0 && y < height && x >= 0 && x < width ? image[(c * height + y) * width + x] : 0.0f;
    }
}

// rows x width bytes from a pitched source to a pitched destination: one part of a concatenation or split.
extern "C" __global__ void copy_rows(const unsigned char* source, long long sourcePitch, unsigned char* destination,
                                     long long destinationPitch, long long width, long long n)
{
    GRID_STRIDE(i, n)
    {
        long long row = i / width, column = i % width;
        destination[row * destinationPitch + column] = source[row * sourcePitch + column];
    }
}
