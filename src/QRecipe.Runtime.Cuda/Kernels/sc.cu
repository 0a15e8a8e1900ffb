// Stochastic-computing products (docs/sc-engine.md), exact integer accumulators equal to the CPU engine's
// (src/QRecipe.Runtime/Sc) bit for bit. The enable-signal count C[d][k][v] = #{i < k : rb[d,i] < v} is the popcount
// of the first k bits of b's stream for boundary v, so b's streams are packed once (32 cycles per word) and each
// product is k/32 popcounts plus one masked popcount: the popcount-based inner loop. Tiles of a's k-values and of
// b's packed streams are staged in shared memory.

// kA[r, d] = sign[r, d] * K[d][boundary[r, d]] (the K table), K rows of grid + 1 entries.
extern "C" __global__ void sc_k_lookup(const unsigned short* boundary, const signed char* sign, const unsigned short* k,
                                       int* ka, int dims, int grid, long long n)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x)
    {
        int d = (int)(i % dims);
        int count = k[(long long)d * (grid + 1) + boundary[i]];
        ka[i] = sign[i] < 0 ? -count : count;
    }
}

// Both packing kernels: block (d, row chunk) stages dimension d's sequence prefix in shared memory, then
// bits[(r*dims + d)*words + w] holds, in bit t%32 of word t/32, whether sequence[d, t] < threshold(r) for t < length
// (padding 0).
__device__ void stage_prefix(const unsigned short* sequence, unsigned short* prefix, int d, int length)
{
    for (int t = threadIdx.x; t < length; t += blockDim.x)
        prefix[t] = sequence[(long long)d * length + t];
    __syncthreads();
}

__device__ unsigned int pack_word(const unsigned short* prefix, int w, int length, long long threshold)
{
    unsigned int word = 0;
    int end = min(32, length - 32 * w);
    for (int b = 0; b < end; b++)
        word |= (unsigned int)(prefix[32 * w + b] < threshold) << b;
    return word;
}

// Enable streams: the threshold is the row's boundary.
extern "C" __global__ void sc_pack_enable(const unsigned short* boundary, const unsigned short* sequence, unsigned int* bits,
                                          int rows, int dims, int length, int words)
{
    extern __shared__ unsigned short prefix[];
    int d = blockIdx.x;
    stage_prefix(sequence, prefix, d, length);
    for (long long i = (long long)blockIdx.y * blockDim.x + threadIdx.x; i < (long long)rows * words; i += (long long)gridDim.y * blockDim.x)
    {
        int r = (int)(i / words), w = (int)(i % words);
        bits[((long long)r * dims + d) * words + w] = pack_word(prefix, w, length, boundary[(long long)r * dims + d]);
    }
}

// Legacy bitstream packing on the full 2^p grid, each integer its own threshold: XNOR value + 2^(p-1), AND value
// (BitstreamKernel.Threshold). The sequences (a's and b's own, sc.ScSequences) come from the host.
extern "C" __global__ void sc_pack_legacy(const short* value, const unsigned short* sequence, unsigned int* bits,
                                          int rows, int dims, int length, int words, int xnor, int p)
{
    extern __shared__ unsigned short prefix[];
    int d = blockIdx.x;
    stage_prefix(sequence, prefix, d, length);
    for (long long i = (long long)blockIdx.y * blockDim.x + threadIdx.x; i < (long long)rows * words; i += (long long)gridDim.y * blockDim.x)
    {
        int r = (int)(i / words), w = (int)(i % words);
        long long x = value[(long long)r * dims + d];
        long long threshold = xnor ? x + (1LL << (p - 1)) : x;
        bits[((long long)r * dims + d) * words + w] = pack_word(prefix, w, length, threshold);
    }
}

#define TILE 16

// Independent products of equal shapes (attention heads) run as one launch, slice blockIdx.z: its operands and
// accumulators start `sliceA` k-values, `sliceB` elements of b (times `words` for packed streams) and `sliceAcc`
// accumulators after the previous slice's.

// acc[row, j] = sum_d sign * popcount(first |kA[row, d]| bits of b's stream (j, d)), for the rows listed in rowIndex
// (all rows when null): one launch per stream length in a mixed-precision product, each with its own kA and
// packed streams. Block: TILE x TILE outputs (ty: row, tx: column of b); dimensions staged `chunk` at a time in
// dynamic shared memory: per tile column its streams (chunk*words words, +1 against bank conflicts) and signs, per
// tile row its k-values.
extern "C" __global__ void __launch_bounds__(TILE * TILE) sc_enable_product(const int* ka, const unsigned int* bits, const signed char* signB,
    const int* rowIndex, int rowCount, int* acc, int m, int dims, int words, int chunk, long long sliceA, long long sliceB, long long sliceAcc)
{
    ka += blockIdx.z * sliceA;
    bits += blockIdx.z * sliceB * words;
    signB += blockIdx.z * sliceB;
    acc += blockIdx.z * sliceAcc;
    extern __shared__ unsigned int shared[];
    int stride = chunk * words + 1;
    unsigned int* sBits = shared;
    int* sKa = (int*)(sBits + TILE * stride);
    signed char* sSign = (signed char*)(sKa + TILE * chunk);
    int tx = threadIdx.x, ty = threadIdx.y, tid = ty * TILE + tx;
    int firstColumn = blockIdx.x * TILE, firstListed = blockIdx.y * TILE;
    int total = 0;
    for (int d0 = 0; d0 < dims; d0 += chunk)
    {
        int width = min(chunk, dims - d0);
        for (int e = tid; e < TILE * width; e += TILE * TILE)
        {
            int r = e / width, dd = e % width, listed = firstListed + r;
            int row = listed < rowCount ? (rowIndex ? rowIndex[listed] : listed) : -1;
            sKa[r * chunk + dd] = row >= 0 ? ka[(long long)row * dims + d0 + dd] : 0;
            int column = firstColumn + r;
            sSign[r * chunk + dd] = column < m ? signB[(long long)column * dims + d0 + dd] : (signed char)0;
        }
        for (int e = tid; e < TILE * width * words; e += TILE * TILE)
        {
            int c = e / (width * words), rest = e % (width * words), column = firstColumn + c;
            sBits[c * stride + rest] = column < m ? bits[((long long)column * dims + d0) * words + rest] : 0u;
        }
        __syncthreads();
        for (int dd = 0; dd < width; dd++)
        {
            int k = sKa[ty * chunk + dd];
            int magnitude = abs(k);
            const unsigned int* stream = sBits + tx * stride + dd * words;
            int count = 0, full = magnitude >> 5;
            for (int w = 0; w < full; w++)
                count += __popc(stream[w]);
            int rest = magnitude & 31;
            if (rest)
                count += __popc(stream[full] & ((1u << rest) - 1u));
            total += ((k < 0) != (sSign[tx * chunk + dd] < 0)) ? -count : count;
        }
        __syncthreads();
    }
    int listed = firstListed + ty, j = firstColumn + tx;
    if (listed < rowCount && j < m)
        acc[(long long)(rowIndex ? rowIndex[listed] : listed) * m + j] = total;
}

// Table-based inner loop for calls whose dimensions all share one enable table (one XOR mask: the unscrambled full
// length L = G = 2^p, the default): the table C[k][v] (rows of `width` entries, v = G read as k when width == G) sits in
// shared memory for the whole block, and each product is one table read. Blocks loop over output tiles so the table
// is loaded once per block. Staging as in sc_enable_product, b's boundaries instead of its streams.
#define CHUNK 64
extern "C" __global__ void __launch_bounds__(TILE * TILE) sc_enable_table_product(const int* ka, const unsigned short* boundaryB,
    const signed char* signB, const unsigned short* table, int tableEntries, int width, const int* rowIndex, int rowCount, int* acc,
    int m, int dims, long long sliceA, long long sliceB, long long sliceAcc)
{
    ka += blockIdx.z * sliceA;
    boundaryB += blockIdx.z * sliceB;
    signB += blockIdx.z * sliceB;
    acc += blockIdx.z * sliceAcc;
    extern __shared__ unsigned short sTable[];
    int* sKa = (int*)(sTable + ((tableEntries + 1) & ~1));
    unsigned short* sBoundary = (unsigned short*)(sKa + TILE * CHUNK);
    signed char* sSign = (signed char*)(sBoundary + TILE * CHUNK);
    int tx = threadIdx.x, ty = threadIdx.y, tid = ty * TILE + tx;
    for (int e = tid; e < tableEntries; e += TILE * TILE)
        sTable[e] = table[e];
    int columnTiles = (m + TILE - 1) / TILE, rowTiles = (rowCount + TILE - 1) / TILE;
    for (int t = blockIdx.x; t < columnTiles * rowTiles; t += gridDim.x)
    {
        int firstColumn = (t % columnTiles) * TILE, firstListed = (t / columnTiles) * TILE;
        int total = 0;
        for (int d0 = 0; d0 < dims; d0 += CHUNK)
        {
            int chunkWidth = min(CHUNK, dims - d0);
            __syncthreads();
            for (int e = tid; e < TILE * chunkWidth; e += TILE * TILE)
            {
                int r = e / chunkWidth, dd = e % chunkWidth, listed = firstListed + r, column = firstColumn + r;
                int row = listed < rowCount ? (rowIndex ? rowIndex[listed] : listed) : -1;
                sKa[r * CHUNK + dd] = row >= 0 ? ka[(long long)row * dims + d0 + dd] : 0;
                sBoundary[r * CHUNK + dd] = column < m ? boundaryB[(long long)column * dims + d0 + dd] : (unsigned short)0;
                sSign[r * CHUNK + dd] = column < m ? signB[(long long)column * dims + d0 + dd] : (signed char)0;
            }
            __syncthreads();
            for (int dd = 0; dd < chunkWidth; dd++)
            {
                int k = sKa[ty * CHUNK + dd];
                int magnitude = abs(k);
                int v = sBoundary[tx * CHUNK + dd];
                int count = v < width ? sTable[magnitude * width + v] : magnitude;
                total += ((k < 0) != (sSign[tx * CHUNK + dd] < 0)) ? -count : count;
            }
        }
        int listed = firstListed + ty, j = firstColumn + tx;
        if (listed < rowCount && j < m)
            acc[(long long)(rowIndex ? rowIndex[listed] : listed) * m + j] = total;
    }
}

// Legacy product: count = sum over the row's packed words of popcount(a XOR b) (XNOR) or popcount(a AND b) (AND);
// acc = dims*length - 2*count for XNOR (padding bits are 0 in both operands), count for AND.
extern "C" __global__ void __launch_bounds__(TILE * TILE) sc_bitstream_product(const unsigned int* bitsA, const unsigned int* bitsB, int* acc,
    int n, int m, int rowWords, int xnor, long long dimsTimesLength)
{
    __shared__ unsigned int sA[TILE][TILE + 1];
    __shared__ unsigned int sB[TILE][TILE + 1];
    int tx = threadIdx.x, ty = threadIdx.y;
    int i = blockIdx.y * TILE + ty, j = blockIdx.x * TILE + tx;
    long long count = 0;
    for (int w0 = 0; w0 < rowWords; w0 += TILE)
    {
        int ra = blockIdx.y * TILE + ty, rb = blockIdx.x * TILE + ty;
        sA[ty][tx] = ra < n && w0 + tx < rowWords ? bitsA[(long long)ra * rowWords + w0 + tx] : 0u;
        sB[ty][tx] = rb < m && w0 + tx < rowWords ? bitsB[(long long)rb * rowWords + w0 + tx] : 0u;
        __syncthreads();
        for (int w = 0; w < TILE; w++)
            count += __popc(xnor ? (sA[ty][w] ^ sB[tx][w]) : (sA[ty][w] & sB[tx][w]));
        __syncthreads();
    }
    if (i < n && j < m)
        acc[(long long)i * m + j] = (int)(xnor ? dimsTimesLength - 2 * count : count);
}
