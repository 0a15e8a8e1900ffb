// Runs the kernels of src/QRecipe.Runtime.Cuda/Kernels under emulate.h with the launch parameters the C#
// host code uses (CudaScProduct, CudaBackend) and compares with the CPU engine's results written by dump/.
// Build and run: scripts/cuda-emulate/run.sh
#include "emulate.h"
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>
#include "kernels.inc"

static std::string folder;

struct Reader
{
    std::ifstream in;
    explicit Reader(const std::string& name) : in(folder + "/" + name + ".bin", std::ios::binary) {}
    int Int() { int v; in.read((char*)&v, 4); return v; }
    template <typename T> std::vector<T> Array()
    {
        std::vector<T> v(Int());
        in.read((char*)v.data(), v.size() * sizeof(T));
        return v;
    }
};

static int failures = 0;

static void Report(const std::string& name, bool ok, const std::string& detail)
{
    std::printf("%-32s %s  %s\n", name.c_str(), ok ? "pass" : "FAIL", detail.c_str());
    failures += ok ? 0 : 1;
}

// cuBLAS's column-major strided-batched GEMM: C[i + j*ldc] = alpha * sum_l op(A)[i, l] * op(B)[l, j], where op(X)[i, l]
// is X[i + l*ld] (N) or X[l + i*ld] (T).
static void CublasGemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* A, int lda, long long sA,
                       const float* B, int ldb, long long sB, float* C, int ldc, long long sC, int batch)
{
    for (int b = 0; b < batch; b++)
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double sum = 0;
                for (int l = 0; l < k; l++)
                    sum += (double)(ta ? A[b * sA + l + (long long)i * lda] : A[b * sA + i + (long long)l * lda]) *
                           (tb ? B[b * sB + j + (long long)l * ldb] : B[b * sB + l + (long long)j * ldb]);
                C[b * sC + i + (long long)j * ldc] = (float)(alpha * sum);
            }
}

// CudaBlas.Gemm: a row-major product as the swapped column-major one.
static void RowGemm(const float* a, const float* b, float* c, int m, int n, int k, bool ta, bool tb, int lda, int ldb, float alpha, int batch)
{
    CublasGemm(tb, ta, n, m, k, alpha, b, ldb, (long long)k * n, a, lda, (long long)m * k, c, n, (long long)m * n, batch);
}

static dim3 Elements(long long n) { return {(unsigned)std::max(1LL, std::min((n + 255) / 256, 32LL * 132)), 1, 1}; }

static void ScCase(const std::string& name)
{
    Reader r(name);
    int n = r.Int(), m = r.Int(), dims = r.Int(), length = r.Int(), grid = r.Int(), p = r.Int(), kind = r.Int();
    auto ba = r.Array<unsigned short>(); auto sa = r.Array<signed char>(); auto va = r.Array<short>();
    auto bb = r.Array<unsigned short>(); auto sb = r.Array<signed char>(); auto vb = r.Array<short>();
    auto k = r.Array<unsigned short>(); auto seqA = r.Array<unsigned short>(); auto seqB = r.Array<unsigned short>();
    auto expected = r.Array<int>();
    bool oneTable = r.Int() != 0;
    auto table = r.Array<unsigned short>();
    int width = r.Int();
    int words = (length + 31) / 32;
    std::vector<int> acc(n * m, 0);
    const dim3 tile{16, 16, 1};
    if (kind == 0)
    {
        std::vector<int> ka(n * dims);
        std::vector<unsigned> bits((size_t)m * dims * words);
        emu_launch(sc_k_lookup, Elements((long long)n * dims), {256}, ba.data(), sa.data(), k.data(), ka.data(), dims, grid, (long long)n * dims);
        emu_launch(sc_pack_enable, {(unsigned)dims, (unsigned)std::min(64LL, std::max(1LL, ((long long)m * words + 255) / 256)), 1}, {256},
                   bb.data(), seqB.data(), bits.data(), m, dims, length, words);
        int chunk = std::clamp(8192 / (16 * words), 1, 64);
        // Odd-sized row list: every other row, then the rest, as a mixed-precision level would list them.
        std::vector<int> rows;
        for (int i = 0; i < n; i += 2) rows.push_back(i);
        for (int i = 1; i < n; i += 2) rows.push_back(i);
        emu_launch(sc_enable_product, {(unsigned)((m + 15) / 16), (unsigned)((rows.size() + 15) / 16), 1}, tile,
                   ka.data(), bits.data(), sb.data(), rows.data(), (int)rows.size(), acc.data(), m, dims, words, chunk, 0LL, 0LL, 0LL);
        if (oneTable)
        {
            // The shared-memory table kernel on the same call: 3 blocks looping over the output tiles.
            std::vector<int> viaTable(n * m, 0);
            emu_launch(sc_enable_table_product, {3}, tile, ka.data(), bb.data(), sb.data(), table.data(), (int)table.size(), width,
                       rows.data(), (int)rows.size(), viaTable.data(), m, dims, 0LL, 0LL, 0LL);
            int wrong = 0;
            for (int i = 0; i < n * m; i++) wrong += viaTable[i] != expected[i];
            Report(name + " (table)", wrong == 0, std::to_string(n * m - wrong) + "/" + std::to_string(n * m) + " accumulators identical");
        }
    }
    else
    {
        bool xnor = kind == 1;
        std::vector<unsigned> bitsA((size_t)n * dims * words), bitsB((size_t)m * dims * words);
        emu_launch(sc_pack_legacy, {(unsigned)dims, (unsigned)std::min(64LL, std::max(1LL, ((long long)n * words + 255) / 256)), 1}, {256},
                   va.data(), seqA.data(), bitsA.data(), n, dims, length, words, (int)xnor, p);
        emu_launch(sc_pack_legacy, {(unsigned)dims, (unsigned)std::min(64LL, std::max(1LL, ((long long)m * words + 255) / 256)), 1}, {256},
                   vb.data(), seqB.data(), bitsB.data(), m, dims, length, words, (int)xnor, p);
        emu_launch(sc_bitstream_product, {(unsigned)((m + 15) / 16), (unsigned)((n + 15) / 16), 1}, tile,
                   bitsA.data(), bitsB.data(), acc.data(), n, m, dims * words, (int)xnor, (long long)dims * length);
    }
    int wrong = 0;
    for (int i = 0; i < n * m; i++) wrong += acc[i] != expected[i];
    Report(name, wrong == 0, std::to_string(n * m - wrong) + "/" + std::to_string(n * m) + " accumulators identical");
}

struct Op
{
    std::vector<std::vector<int>> shapes;
    std::vector<std::vector<float>> inputs;
    std::vector<float> expected, actual;
};

static Op Load(const std::string& name)
{
    Reader r(name);
    Op op;
    int count = r.Int();
    for (int i = 0; i < count; i++)
    {
        std::vector<int> shape(r.Int());
        for (auto& d : shape) d = r.Int();
        op.shapes.push_back(shape);
        op.inputs.push_back(r.Array<float>());
    }
    op.expected = r.Array<float>();
    op.actual.assign(op.expected.size(), std::nanf(""));
    return op;
}

static void Compare(const std::string& name, const Op& op, double tolerance)
{
    double worst = 0, largest = 0;
    for (size_t i = 0; i < op.expected.size(); i++)
    {
        largest = std::max(largest, (double)std::fabs(op.expected[i]));
        double d = std::fabs((double)op.expected[i] - op.actual[i]);
        worst = std::isnan(d) ? INFINITY : std::max(worst, d);
    }
    double error = worst / std::max(1.0, largest);
    char detail[96];
    std::snprintf(detail, sizeof detail, "error %.1e (tolerance %.0e), %zu values", error, tolerance, op.expected.size());
    Report(name, error <= tolerance, detail);
}

int main(int argc, char** argv)
{
    folder = argc > 1 ? argv[1] : "emulate-data";
    for (auto name : {"sc_p8_l256", "sc_p8_l128_bitrev", "sc_p8_l181_counter", "sc_p8_halve", "sc_unipolar_p6_l48", "sc_xnor_p8_l256", "sc_and_p7_l100",
                      "sc_p8_l96_wider_tables"})
        ScCase(name);
    if (argc > 2 && std::string(argv[2]) == "sc-only")
        return failures == 0 ? 0 : 1;

    auto op = Load("softmax");
    emu_launch(softmax_rows, {33}, {256}, op.inputs[0].data(), op.actual.data(), 257);
    Compare("softmax", op, 1e-6);
    op = Load("layernorm");
    emu_launch(layernorm_rows, {33}, {256}, op.inputs[0].data(), op.actual.data(), 1152, 1e-6f);
    Compare("layernorm", op, 1e-5);
    op = Load("groupnorm");
    emu_launch(group_norm, {2 * 8}, {256}, op.inputs[0].data(), op.inputs[1].data(), op.inputs[2].data(), op.actual.data(), 32, 63, 8, 1e-6f);
    Compare("groupnorm", op, 1e-5);
    op = Load("gelu");
    emu_launch(gelu_tanh, Elements(4099), {256}, op.inputs[0].data(), op.actual.data(), 4099LL);
    Compare("gelu", op, 1e-6);
    op = Load("modulate");
    emu_launch(modulate, Elements(2 * 17 * 96), {256}, op.inputs[0].data(), op.inputs[1].data(), op.inputs[2].data(), op.actual.data(), 17, 96, 2LL * 17 * 96);
    Compare("modulate", op, 1e-6);
    op = Load("patchify");
    emu_launch(patchify, Elements(2 * 12 * 16), {256}, op.inputs[0].data(), op.actual.data(), 4, 8, 6, 2, 2LL * 12 * 16);
    Compare("patchify", op, 0);
    op = Load("unpatchify");
    emu_launch(unpatchify, Elements(2 * 8 * 8 * 6), {256}, op.inputs[0].data(), op.actual.data(), 8, 4, 3, 2, 2LL * 8 * 8 * 6);
    Compare("unpatchify", op, 0);
    op = Load("merge_heads");
    emu_launch(merge_heads, Elements(2 * 17 * 24), {256}, op.inputs[0].data(), op.actual.data(), 3, 17, 8, 2LL * 17 * 24);
    Compare("merge_heads", op, 0);
    op = Load("transpose");
    emu_launch(transpose_last_two, Elements(3 * 29 * 17), {256}, op.inputs[0].data(), op.actual.data(), 17, 29, 3LL * 29 * 17);
    Compare("transpose", op, 0);
    op = Load("upsample");
    emu_launch(upsample_nearest2x, Elements(2 * 3 * 10 * 14), {256}, op.inputs[0].data(), op.actual.data(), 5, 7, 6LL);
    Compare("upsample", op, 0);
    op = Load("timestep");
    emu_launch(timestep_embedding, Elements(5 * 257), {256}, op.inputs[0].data(), op.actual.data(), 257, (float)-std::log(10000.0), 5LL * 257);
    Compare("timestep", op, 5e-4);
    op = Load("absmax_columns");
    emu_launch(absmax_columns, {2}, {256}, op.inputs[0].data(), op.actual.data(), 33, 300);
    Compare("absmax_columns", op, 0);
    op = Load("random_normal");
    emu_launch(philox_normal, Elements(1001), {256}, op.actual.data(), 1001LL, 7ULL, 3ULL, 1.0f, 2.0f);
    Compare("random_normal", op, 1e-6);
    op = Load("silu");
    emu_launch(silu, Elements(4099), {256}, op.inputs[0].data(), op.actual.data(), 4099LL);
    Compare("silu", op, 1e-6);
    op = Load("add");
    emu_launch(add_broadcast, Elements(3360), {256}, op.inputs[0].data(), op.inputs[1].data(), op.actual.data(), 3360LL, 96LL);
    Compare("add", op, 0);
    op = Load("multiply");
    emu_launch(multiply_broadcast, Elements(3360), {256}, op.inputs[0].data(), op.inputs[1].data(), op.actual.data(), 3360LL, 672LL);
    Compare("multiply", op, 0);
    op = Load("gated_residual");
    emu_launch(gated_residual, Elements(3264), {256}, op.inputs[0].data(), op.inputs[1].data(), op.inputs[2].data(), op.actual.data(), 17, 96, 3264LL);
    Compare("gated_residual", op, 1e-6);
    op = Load("guidance");
    emu_launch(guidance, Elements(400), {256}, op.inputs[0].data(), op.actual.data(), 2, 8, 25, 3, 4.0f);
    Compare("guidance", op, 1e-6);
    op = Load("absmax_rows");
    emu_launch(absmax_rows, {33}, {256}, op.inputs[0].data(), op.actual.data(), 300);
    Compare("absmax_rows", op, 0);
    op = Load("split_heads");
    for (int part = 0; part < 3; part++)
        emu_launch(gather_heads, Elements(816), {256}, op.inputs[0].data(), op.actual.data() + part * 816, 3, 17, 8, part * 24, 816LL);
    Compare("split_heads", op, 0);
    op = Load("matmul");
    RowGemm(op.inputs[0].data(), op.inputs[1].data(), op.actual.data(), 37, 53, 70, false, false, 70, 53, 0.5f, 1);
    emu_launch(add_bias_rows, Elements(37 * 53), {256}, op.actual.data(), op.inputs[2].data(), 53, 37LL * 53);
    Compare("matmul + bias (host mapping)", op, 1e-5);
    op = Load("matmul_transposed");
    RowGemm(op.inputs[0].data(), op.inputs[1].data(), op.actual.data(), 37, 53, 70, true, true, 37, 70, 1.0f, 1);
    Compare("matmul transposed", op, 1e-5);
    op = Load("linear");
    RowGemm(op.inputs[0].data(), op.inputs[1].data(), op.actual.data(), 66, 96, 72, false, true, 72, 72, 1.0f, 1);
    emu_launch(add_bias_rows, Elements(66 * 96), {256}, op.actual.data(), op.inputs[2].data(), 96, 66LL * 96);
    Compare("linear", op, 1e-5);
    op = Load("batched_matmul");
    RowGemm(op.inputs[0].data(), op.inputs[1].data(), op.actual.data(), 17, 19, 24, false, true, 24, 24, 0.2f, 6);
    Compare("batched matmul", op, 1e-5);
    {
        op = Load("conv2d");
        const int cin = 5, cout = 6, h = 9, w = 7, k = 3, depth = cin * k * k, plane = h * w;
        std::vector<float> columns((size_t)depth * plane);
        for (int image = 0; image < 2; image++)
        {
            emu_launch(im2col_same, Elements((long long)depth * plane), {256}, op.inputs[0].data() + image * cin * plane, columns.data(), h, w, k,
                       (long long)depth * plane);
            RowGemm(op.inputs[1].data(), columns.data(), op.actual.data() + image * cout * plane, cout, plane, depth, false, false, depth, plane, 1.0f, 1);
        }
        emu_launch(add_bias_channels, Elements(2 * cout * plane), {256}, op.actual.data(), op.inputs[2].data(), cout, (long long)plane, 2LL * cout * plane);
        Compare("conv2d (im2col + gemm + bias)", op, 1e-5);
    }
    {
        Reader r("fake_quant");
        auto x = r.Array<float>(); auto minmax = r.Array<float>(); auto grids = r.Array<float>(); auto expected = r.Array<float>();
        std::vector<float> minima(37), maxima(37);
        emu_launch(minmax_groups, {37}, {256}, x.data(), minima.data(), maxima.data(), 1152);
        int wrong = 0;
        for (int g = 0; g < 37; g++) wrong += minima[g] != minmax[2 * g] || maxima[g] != minmax[2 * g + 1];
        Report("minmax_groups", wrong == 0, std::to_string(37 - wrong) + "/37 ranges identical");
        emu_launch(fake_quantize_groups, Elements(x.size()), {256}, x.data(), x.data(), (const float4*)grids.data(), 1152LL, (long long)x.size());
        wrong = 0;
        for (size_t i = 0; i < x.size(); i++) wrong += x[i] != expected[i];
        Report("fake_quantize_groups", wrong == 0, std::to_string(x.size() - wrong) + "/" + std::to_string(x.size()) + " values identical");
    }
    {
        // Planted NaN and infinities among finite values (the largest ones included), more elements than one grid of
        // CudaBackend.CountNonFinite's launch covers, so the grid-stride loop wraps; the host adds the block counts.
        const long long n = 1500001;
        std::vector<float> x(n);
        for (long long i = 0; i < n; i++) x[i] = (float)((i * 7919) % 2001 - 1000) / 7.0f;
        const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
        x[0] = nan; x[7] = inf; x[1081344] = -inf; x[n - 1] = nan;
        x[1] = std::numeric_limits<float>::max(); x[2] = -std::numeric_limits<float>::max();
        dim3 grid = Elements(n);
        std::vector<int> counts(grid.x, -1);
        emu_launch(count_nonfinite, grid, {256}, x.data(), counts.data(), n);
        long long total = 0;
        for (int c : counts) total += c;
        Report("count_nonfinite", total == 4, std::to_string(total) + " of 4 planted non-finite values counted");
    }
    {
        Reader r("noise");
        Op noise;
        noise.actual = r.Array<float>(); auto aScale = r.Array<float>(); auto bScale = r.Array<float>(); noise.expected = r.Array<float>();
        emu_launch(sc_noise_add, Elements(33 * 40), {256}, noise.actual.data(), aScale.data(), 1, bScale.data(), 1, 40, 33LL * 40,
                   std::sqrt(72 * 0.15) / 64, 0.15 / (64.0 * 64), 1, 5ULL, 0ULL);
        Compare("sc_noise_add", noise, 0);
    }
    {
        Reader r("sc_mixed");
        int levels = r.Int();
        auto ba = r.Array<unsigned short>(); auto sa = r.Array<signed char>(); auto bb = r.Array<unsigned short>(); auto sb = r.Array<signed char>();
        auto rowLevel = r.Array<int>();
        const int n = 37, m = 21, dims = 150;
        std::vector<int> acc(n * m, 0), ka(n * dims);
        for (int level = 0; level < levels; level++)
        {
            int length = r.Int();
            auto k = r.Array<unsigned short>(); auto seqB = r.Array<unsigned short>();
            int words = (length + 31) / 32;
            std::vector<int> rows;
            for (int i = 0; i < n; i++) if (rowLevel[i] == level) rows.push_back(i);
            std::vector<unsigned> bits((size_t)m * dims * words);
            emu_launch(sc_k_lookup, Elements((long long)n * dims), {256}, ba.data(), sa.data(), k.data(), ka.data(), dims, 256, (long long)n * dims);
            emu_launch(sc_pack_enable, {(unsigned)dims, 1, 1}, {256}, bb.data(), seqB.data(), bits.data(), m, dims, length, words);
            int chunk = std::clamp(8192 / (16 * words), 1, 64);
            emu_launch(sc_enable_product, {(unsigned)((m + 15) / 16), (unsigned)((rows.size() + 15) / 16), 1}, {16, 16, 1},
                       ka.data(), bits.data(), sb.data(), rows.data(), (int)rows.size(), acc.data(), m, dims, words, chunk, 0LL, 0LL, 0LL);
        }
        auto expected = r.Array<int>();
        int wrong = 0;
        for (int i = 0; i < n * m; i++) wrong += acc[i] != expected[i];
        Report("sc_mixed (256/128/64/pruned)", wrong == 0, std::to_string(n * m - wrong) + "/" + std::to_string(n * m) + " accumulators identical");
    }
    {
        // CudaScProduct.Combined: per weight group of the host's plan, b's rows gathered, then per effective level the
        // k lookup and the table (one shared table) or popcount product over that level's rows, scattered into n x m.
        Reader r("sc_combined");
        const int n = 37, m = 21, dims = 150;
        auto ba = r.Array<unsigned short>(); auto sa = r.Array<signed char>(); auto bb = r.Array<unsigned short>(); auto sb = r.Array<signed char>();
        struct Level { int length; std::vector<unsigned short> k, seqB, table; bool oneTable; int width; };
        std::vector<Level> levels(r.Int());
        for (auto& level : levels)
        {
            level.length = r.Int();
            level.k = r.Array<unsigned short>(); level.seqB = r.Array<unsigned short>();
            level.oneTable = r.Int() != 0;
            level.table = r.Array<unsigned short>(); level.width = r.Int();
        }
        std::vector<std::pair<std::vector<int>, std::vector<int>>> groups(r.Int());
        for (auto& [columns, rowLevel] : groups)
        {
            columns = r.Array<int>();
            rowLevel = r.Array<int>();
        }
        auto expected = r.Array<int>();
        std::vector<int> acc(n * m, 0), ka(n * dims);
        int tableLaunches = 0;
        for (auto& [columns, rowLevel] : groups)
        {
            int width = (int)columns.size();
            std::vector<unsigned short> gb((size_t)width * dims);
            std::vector<signed char> gs((size_t)width * dims);
            for (int c = 0; c < width; c++)
                for (int d = 0; d < dims; d++)
                    gb[(size_t)c * dims + d] = bb[(size_t)columns[c] * dims + d], gs[(size_t)c * dims + d] = sb[(size_t)columns[c] * dims + d];
            std::vector<int> part((size_t)n * width, 0);
            for (int l = 0; l < (int)levels.size(); l++)
            {
                std::vector<int> rows;
                for (int i = 0; i < n; i++) if (rowLevel[i] == l) rows.push_back(i);
                if (rows.empty()) continue;
                const Level& level = levels[l];
                emu_launch(sc_k_lookup, Elements((long long)n * dims), {256}, ba.data(), sa.data(), level.k.data(), ka.data(), dims, 256, (long long)n * dims);
                if (level.oneTable)
                {
                    tableLaunches++;
                    emu_launch(sc_enable_table_product, {2}, {16, 16, 1}, ka.data(), gb.data(), gs.data(), level.table.data(), (int)level.table.size(),
                               level.width, rows.data(), (int)rows.size(), part.data(), width, dims, 0LL, 0LL, 0LL);
                    continue;
                }
                int words = (level.length + 31) / 32;
                std::vector<unsigned> bits((size_t)width * dims * words);
                emu_launch(sc_pack_enable, {(unsigned)dims, (unsigned)std::min(64LL, std::max(1LL, ((long long)width * words + 255) / 256)), 1}, {256},
                           gb.data(), level.seqB.data(), bits.data(), width, dims, level.length, words);
                int chunk = std::clamp(8192 / (16 * words), 1, 64);
                emu_launch(sc_enable_product, {(unsigned)((width + 15) / 16), (unsigned)((rows.size() + 15) / 16), 1}, {16, 16, 1},
                           ka.data(), bits.data(), gs.data(), rows.data(), (int)rows.size(), part.data(), width, dims, words, chunk, 0LL, 0LL, 0LL);
            }
            for (int i = 0; i < n; i++)
                for (int c = 0; c < width; c++)
                    acc[(size_t)i * m + columns[c]] = part[(size_t)i * width + c];
        }
        int wrong = 0;
        for (int i = 0; i < n * m; i++) wrong += acc[i] != expected[i];
        Report("sc_combined (rows x weight groups)", wrong == 0 && tableLaunches > 0,
               std::to_string(n * m - wrong) + "/" + std::to_string(n * m) + " accumulators identical, " + std::to_string(groups.size()) +
                   " groups, " + std::to_string(tableLaunches) + " table launches");
    }
    std::printf("%d failure(s)\n", failures);
    return failures == 0 ? 0 : 1;
}
