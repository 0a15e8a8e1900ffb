// The fake libcublas.so.12 (README.md): handles, streams and cublasGemmStridedBatchedEx for FP32 operands, with the
// argument checks the cuBLAS documentation lists and operand extents checked against the fake driver's allocations.
// The product accumulates in double; the FAST_TF32/16BF/16F compute types first round the operands to TF32, BF16 or
// FP16, as tensor cores would.
#include "fake.h"
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <mutex>
#include <thread>
#include <vector>

using cublasStatus_t = int;
// A handle only has to be live: every GEMM completes inside the call, so its stream changes nothing.
struct FakeCublas
{
};
using cublasHandle_t = FakeCublas*;

namespace
{
enum : cublasStatus_t
{
    CUBLAS_STATUS_SUCCESS = 0,
    CUBLAS_STATUS_NOT_INITIALIZED = 1,
    CUBLAS_STATUS_INVALID_VALUE = 7,
    CUBLAS_STATUS_NOT_SUPPORTED = 15,
};
constexpr int cuda_r_32f = 0;
enum Compute { compute_32f = 68, compute_32f_pedantic = 69, compute_32f_fast_16f = 74, compute_32f_fast_16bf = 75, compute_32f_fast_tf32 = 77 };

std::mutex mutex;
std::set<cublasHandle_t> handles;
std::atomic<unsigned long long> gemms{0}, multiply_adds{0}, gemm_ns{0};

// Prints the GEMM count at exit next to the driver's summary (QRECIPE_FAKE_CUDA_STATS=1 or 2).
struct Report
{
    ~Report()
    {
        const char* flag = std::getenv("QRECIPE_FAKE_CUDA_STATS");
        if (flag && (std::strcmp(flag, "1") == 0 || std::strcmp(flag, "2") == 0))
            std::fprintf(stderr, "fake-cublas: %llu GEMMs, %.3f G multiply-adds, %.2f s\n", gemms.load(), multiply_adds / 1e9, gemm_ns / 1e9);
    }
} report;

cublasStatus_t fail(cublasStatus_t status, const char* why)
{
    std::fprintf(stderr, "fake-cublas: cublasGemmStridedBatchedEx: %s\n", why);
    return status;
}

// Rounds to nearest-even keeping `bits` mantissa bits (TF32: 10, BF16: 7); infinities and NaN pass unchanged.
float keep_mantissa(float x, int bits)
{
    std::uint32_t u;
    std::memcpy(&u, &x, 4);
    if ((u & 0x7F800000u) == 0x7F800000u)
        return x;
    int drop = 23 - bits;
    u += ((1u << (drop - 1)) - 1) + ((u >> drop) & 1);
    u &= ~((1u << drop) - 1);
    std::memcpy(&x, &u, 4);
    return x;
}

float round_operand(float x, int compute)
{
    switch (compute)
    {
        case compute_32f_fast_tf32: return keep_mantissa(x, 10);
        case compute_32f_fast_16bf: return keep_mantissa(x, 7);
        case compute_32f_fast_16f: return static_cast<float>(static_cast<_Float16>(x));
        default: return x;
    }
}

struct Operand
{
    const float* data;
    int ld;
    long long stride;
    bool transposed;
};

// op(X)[r, c] for a column-major X: X[r + c*ld], or X[c + r*ld] when transposed.
float element(const Operand& x, long long batch, int r, int c)
{
    return x.transposed ? x.data[batch * x.stride + c + static_cast<long long>(r) * x.ld]
                        : x.data[batch * x.stride + r + static_cast<long long>(c) * x.ld];
}

struct Gemm
{
    int m, n, k;
    float alpha, beta;
    Operand a, b;
    float* c;
    int ldc;
    long long stride_c;
    int compute;

    // Batches [first, last): op(A) packed as m rows of k, op(B) as n rows of k, then one dot product per output.
    void run(long long first, long long last) const
    {
        std::vector<float> pa(static_cast<std::size_t>(m) * k), pb(static_cast<std::size_t>(n) * k);
        for (long long batch = first; batch < last; batch++)
        {
            for (int i = 0; i < m; i++)
                for (int l = 0; l < k; l++)
                    pa[static_cast<std::size_t>(i) * k + l] = round_operand(element(a, batch, i, l), compute);
            for (int j = 0; j < n; j++)
                for (int l = 0; l < k; l++)
                    pb[static_cast<std::size_t>(j) * k + l] = round_operand(element(b, batch, l, j), compute);
            for (int j = 0; j < n; j++)
            {
                const float* column = pb.data() + static_cast<std::size_t>(j) * k;
                float* out = c + batch * stride_c + static_cast<long long>(j) * ldc;
                for (int i = 0; i < m; i++)
                {
                    const float* row = pa.data() + static_cast<std::size_t>(i) * k;
                    double sum = 0;
#pragma omp simd reduction(+ : sum)
                    for (int l = 0; l < k; l++)
                        sum += static_cast<double>(row[l]) * column[l];
                    // beta = 0 must not read C: it may hold NaN garbage.
                    out[i] = static_cast<float>(alpha * sum + (beta != 0 ? static_cast<double>(beta) * out[i] : 0.0));
                }
            }
        }
    }
};

bool in_bounds(const char* operand, const void* data, long long ld, long long stride, int rows, int columns, int batch)
{
    if (rows == 0 || columns == 0 || batch == 0)
        return true;
    auto elements = stride * (batch - 1) + ld * (columns - 1) + rows;
    return qrecipe_fake_cuda_in_bounds("cublasGemmStridedBatchedEx", operand, reinterpret_cast<CUdeviceptr>(data),
                                       static_cast<std::size_t>(elements) * sizeof(float));
}
}

FAKE_EXPORT cublasStatus_t cublasCreate_v2(cublasHandle_t* handle)
{
    if (!handle)
        return CUBLAS_STATUS_INVALID_VALUE;
    *handle = new FakeCublas();
    std::lock_guard lock(mutex);
    handles.insert(*handle);
    return CUBLAS_STATUS_SUCCESS;
}

FAKE_EXPORT cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)
{
    std::lock_guard lock(mutex);
    if (!handles.erase(handle))
        return CUBLAS_STATUS_NOT_INITIALIZED;
    delete handle;
    return CUBLAS_STATUS_SUCCESS;
}

FAKE_EXPORT cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, CUstream)
{
    std::lock_guard lock(mutex);
    return handles.count(handle) ? CUBLAS_STATUS_SUCCESS : CUBLAS_STATUS_NOT_INITIALIZED;
}

FAKE_EXPORT cublasStatus_t cublasGemmStridedBatchedEx(cublasHandle_t handle, int transa, int transb, int m, int n, int k,
    const void* alpha, const void* A, int a_type, int lda, long long stride_a, const void* B, int b_type, int ldb,
    long long stride_b, const void* beta, void* C, int c_type, int ldc, long long stride_c, int batch, int compute, int algo)
{
    {
        std::lock_guard lock(mutex);
        if (!handles.count(handle))
            return fail(CUBLAS_STATUS_NOT_INITIALIZED, "not a live handle");
    }
    if (a_type != cuda_r_32f || b_type != cuda_r_32f || c_type != cuda_r_32f)
        return fail(CUBLAS_STATUS_NOT_SUPPORTED, "only CUDA_R_32F operands are emulated");
    if (compute != compute_32f && compute != compute_32f_pedantic && compute != compute_32f_fast_16f && compute != compute_32f_fast_16bf &&
        compute != compute_32f_fast_tf32)
        return fail(CUBLAS_STATUS_NOT_SUPPORTED, "compute type not valid for CUDA_R_32F operands");
    if (transa < 0 || transa > 2 || transb < 0 || transb > 2 || m < 0 || n < 0 || k < 0 || batch < 0 || !alpha || !beta)
        return fail(CUBLAS_STATUS_INVALID_VALUE, "bad operation, negative size or null scalar");
    int a_rows = transa ? k : m, b_rows = transb ? n : k;
    if (lda < std::max(1, a_rows) || ldb < std::max(1, b_rows) || ldc < std::max(1, m))
        return fail(CUBLAS_STATUS_INVALID_VALUE, "a leading dimension below its operand's row count");
    if (algo != -1 && !(algo >= 0 && algo <= 23) && !(algo >= 99 && algo <= 115))
        return fail(CUBLAS_STATUS_INVALID_VALUE, "unknown algorithm");
    if (!in_bounds("A", A, lda, stride_a, a_rows, transa ? m : k, batch) || !in_bounds("B", B, ldb, stride_b, b_rows, transb ? k : n, batch) ||
        !in_bounds("C", C, ldc, stride_c, m, n, batch))
        return CUBLAS_STATUS_INVALID_VALUE;
    auto start = std::chrono::steady_clock::now();
    Gemm gemm{m, n, k, *static_cast<const float*>(alpha), *static_cast<const float*>(beta),
              {static_cast<const float*>(A), lda, stride_a, transa != 0}, {static_cast<const float*>(B), ldb, stride_b, transb != 0},
              static_cast<float*>(C), ldc, stride_c, compute};
    // Two threads when each gets enough work to pay for starting one; batches are split, else the columns of C.
    bool parallel = 1.0 * m * n * k * batch > 4e6;
    if (!parallel)
        gemm.run(0, batch);
    else if (batch > 1)
    {
        std::thread other([&] { gemm.run(batch / 2, batch); });
        gemm.run(0, batch / 2);
        other.join();
    }
    else
    {
        Gemm left = gemm, right = gemm;
        left.n = n / 2;
        right.n = n - n / 2;
        right.b.data += right.b.transposed ? left.n : static_cast<long long>(left.n) * ldb;
        right.c += static_cast<long long>(left.n) * ldc;
        std::thread other([&] { right.run(0, 1); });
        left.run(0, 1);
        other.join();
    }
    if (!qrecipe_fake_cuda_guard_intact("cublasGemmStridedBatchedEx", reinterpret_cast<CUdeviceptr>(C)))
        return fail(CUBLAS_STATUS_INVALID_VALUE, "C's allocation was overrun");
    gemms++;
    multiply_adds += 1ull * m * n * k * batch;
    gemm_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
    return CUBLAS_STATUS_SUCCESS;
}
