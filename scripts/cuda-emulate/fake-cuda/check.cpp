// Checks of the fakes themselves (check.sh): every refusal README.md promises returns the documented code, the
// executor runs barriers and flags divergent ones, and the GEMM matches float64 references. Prints one line per
// check and exits non-zero when any fails.
#include "emulate.h"
#include "fake.h"
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

extern "C"
{
CUresult cuInit(unsigned);
CUresult cuDevicePrimaryCtxRetain(CUcontext*, CUdevice);
CUresult cuCtxSetCurrent(CUcontext);
CUresult cuMemAlloc_v2(CUdeviceptr*, std::size_t);
CUresult cuMemFree_v2(CUdeviceptr);
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr, const void*, std::size_t, CUstream);
CUresult cuMemcpyDtoHAsync_v2(void*, CUdeviceptr, std::size_t, CUstream);
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr, CUdeviceptr, std::size_t, CUstream);
CUresult cuMemsetD32Async(CUdeviceptr, unsigned, std::size_t, CUstream);
CUresult cuModuleLoadData(CUmodule*, const void*);
CUresult cuModuleGetFunction(CUfunction*, CUmodule, const char*);
CUresult cuFuncSetAttribute(CUfunction, int, int);
CUresult cuLaunchKernel(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream, void**, void**);
CUresult cuEventCreate(CUevent*, unsigned);
CUresult cuEventRecord(CUevent, CUstream);
CUresult cuEventElapsedTime(float*, CUevent, CUevent);
CUresult cuGetErrorName(CUresult, const char**);
int cublasCreate_v2(void**);
int cublasGemmStridedBatchedEx(void*, int, int, int, int, int, const void*, const void*, int, int, long long, const void*, int, int,
                               long long, const void*, void*, int, int, long long, int, int, int);
}

namespace
{
int failures = 0;

void check(const char* name, bool ok, const std::string& detail = "")
{
    std::printf("%-58s %s %s\n", name, ok ? "pass" : "FAIL", detail.c_str());
    failures += ok ? 0 : 1;
}

std::string scientific(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1e", value);
    return text;
}

void expect(const char* name, CUresult actual, CUresult expected)
{
    check(name, actual == expected, "(" + std::to_string(actual) + ", expected " + std::to_string(expected) + ")");
}

// A 64-byte ELF header of a CUBIN: 64-bit, EM_CUDA, the architecture in e_flags, no sections.
std::vector<unsigned char> cubin_header(unsigned arch)
{
    std::vector<unsigned char> elf(64, 0);
    std::memcpy(elf.data(), "\x7f" "ELF", 4);
    elf[4] = 2;
    elf[0x12] = 190;
    elf[0x30] = static_cast<unsigned char>(arch);
    return elf;
}

CUdeviceptr upload(const std::vector<float>& values)
{
    CUdeviceptr p = 0;
    cuMemAlloc_v2(&p, values.size() * 4);
    cuMemcpyHtoDAsync_v2(p, values.data(), values.size() * 4, nullptr);
    return p;
}

std::vector<float> download(CUdeviceptr p, std::size_t count)
{
    std::vector<float> values(count);
    cuMemcpyDtoHAsync_v2(values.data(), p, count * 4, nullptr);
    return values;
}

// Threads at or above `stay` return before the barrier that the others wait at.
__global__ void leave_early(float* out, unsigned stay)
{
    __shared__ float s[256];
    if (threadIdx.x >= stay)
        return;
    s[threadIdx.x] = threadIdx.x;
    __syncthreads();
    out[threadIdx.x] = s[stay - 1 - threadIdx.x];
}

void executor_checks()
{
    std::vector<float> out(256, -1);
    EmuCall<float*, unsigned> all{leave_early, {out.data(), 256u}};
    auto findings = emu::run({3}, {256}, 0, false, emu_call<float*, unsigned>, &all);
    bool reversed = true;
    for (unsigned t = 0; t < 256; t++)
        reversed &= out[t] == 255.0f - t;
    check("executor: a barrier exchanges shared memory (reversal)", reversed && findings.divergent_barriers == 0);
    EmuCall<float*, unsigned> some{leave_early, {out.data(), 100u}};
    findings = emu::run({3}, {256}, 0, false, emu_call<float*, unsigned>, &some);
    check("executor: threads exiting before a barrier are flagged", findings.divergent_barriers == 3,
          std::to_string(findings.divergent_barriers) + " of 3 blocks");
}

void driver_checks()
{
    CUdeviceptr p = 0;
    expect("cuMemAlloc before cuInit: NOT_INITIALIZED", cuMemAlloc_v2(&p, 4), CUDA_ERROR_NOT_INITIALIZED);
    expect("cuInit(1): INVALID_VALUE", cuInit(1), CUDA_ERROR_INVALID_VALUE);
    expect("cuInit(0)", cuInit(0), CUDA_SUCCESS);
    expect("cuMemAlloc without a current context: INVALID_CONTEXT", cuMemAlloc_v2(&p, 4), CUDA_ERROR_INVALID_CONTEXT);
    CUcontext context;
    cuDevicePrimaryCtxRetain(&context, 0);
    cuCtxSetCurrent(context);

    expect("cuMemAlloc(100)", cuMemAlloc_v2(&p, 100), CUDA_SUCCESS);
    unsigned char host[128] = {};
    cuMemcpyDtoHAsync_v2(host, p, 100, nullptr);
    check("new device memory reads as 0xFF bytes", host[0] == 0xFF && host[99] == 0xFF);
    expect("cuMemcpyHtoD of 100 bytes into 100", cuMemcpyHtoDAsync_v2(p, host, 100, nullptr), CUDA_SUCCESS);
    expect("cuMemcpyHtoD of 101 bytes into 100: INVALID_VALUE", cuMemcpyHtoDAsync_v2(p, host, 101, nullptr), CUDA_ERROR_INVALID_VALUE);
    expect("cuMemcpyDtoH of 51 bytes from offset 50: INVALID_VALUE", cuMemcpyDtoHAsync_v2(host, p + 50, 51, nullptr), CUDA_ERROR_INVALID_VALUE);
    expect("cuMemsetD32 of 25 words into 100 bytes", cuMemsetD32Async(p, 7, 25, nullptr), CUDA_SUCCESS);
    expect("cuMemsetD32 of 26 words into 100 bytes: INVALID_VALUE", cuMemsetD32Async(p, 7, 26, nullptr), CUDA_ERROR_INVALID_VALUE);
    CUdeviceptr q = 0;
    cuMemAlloc_v2(&q, 64);
    expect("cuMemcpyDtoD of 64 bytes", cuMemcpyDtoDAsync_v2(q, p, 64, nullptr), CUDA_SUCCESS);
    unsigned words[16] = {};
    cuMemcpyDtoHAsync_v2(words, q, 64, nullptr);
    check("cuMemcpyDtoD copied what cuMemsetD32 set", words[0] == 7 && words[15] == 7);
    expect("cuMemcpyDtoD of 65 bytes into 64: INVALID_VALUE", cuMemcpyDtoDAsync_v2(q, p, 65, nullptr), CUDA_ERROR_INVALID_VALUE);
    cuMemFree_v2(q);
    expect("cuMemFree inside an allocation: INVALID_VALUE", cuMemFree_v2(p + 4), CUDA_ERROR_INVALID_VALUE);
    expect("cuMemFree", cuMemFree_v2(p), CUDA_SUCCESS);
    expect("cuMemFree twice: INVALID_VALUE", cuMemFree_v2(p), CUDA_ERROR_INVALID_VALUE);

    CUmodule module;
    expect("cuModuleLoadData of an sm_90 CUBIN: INVALID_IMAGE", cuModuleLoadData(&module, cubin_header(90).data()), CUDA_ERROR_INVALID_IMAGE);
    expect("cuModuleLoadData of PTX for sm_90: INVALID_IMAGE", cuModuleLoadData(&module, ".version 7.8\n.target sm_90\n"), CUDA_ERROR_INVALID_IMAGE);
    const char* ptx = ".version 7.0\n.target sm_80\n.visible .entry gelu_tanh(\n.visible .entry softmax_rows(\n";
    expect("cuModuleLoadData of PTX", cuModuleLoadData(&module, ptx), CUDA_SUCCESS);
    CUfunction gelu, softmax, missing;
    expect("cuModuleGetFunction(gelu_tanh)", cuModuleGetFunction(&gelu, module, "gelu_tanh"), CUDA_SUCCESS);
    expect("cuModuleGetFunction(softmax_rows)", cuModuleGetFunction(&softmax, module, "softmax_rows"), CUDA_SUCCESS);
    expect("cuModuleGetFunction of a kernel not in the image: NOT_FOUND", cuModuleGetFunction(&missing, module, "silu"), CUDA_ERROR_NOT_FOUND);
    expect("cuModuleGetFunction of no kernel: NOT_FOUND", cuModuleGetFunction(&missing, module, "gelu"), CUDA_ERROR_NOT_FOUND);

    // gelu_tanh(x, y, n) against float64 of the same formula.
    std::vector<float> x(1000);
    for (int i = 0; i < 1000; i++)
        x[i] = (i - 500) / 100.0f;
    CUdeviceptr dx = upload(x), dy = 0;
    cuMemAlloc_v2(&dy, 1000 * 4);
    long long n = 1000;
    void* args[] = {&dx, &dy, &n};
    expect("cuLaunchKernel(gelu_tanh) 4 x 256", cuLaunchKernel(gelu, 4, 1, 1, 256, 1, 1, 0, nullptr, args, nullptr), CUDA_SUCCESS);
    auto y = download(dy, 1000);
    double worst = 0;
    for (int i = 0; i < 1000; i++)
    {
        double v = x[i];
        worst = std::max(worst, std::abs(y[i] - v / (1 + std::exp(-1.5957691216057308 * (v + 0.044715 * v * v * v)))));
    }
    check("gelu_tanh matches float64 within 1e-6", worst < 1e-6, scientific(worst));
    expect("null kernelParams: INVALID_VALUE", cuLaunchKernel(gelu, 1, 1, 1, 32, 1, 1, 0, nullptr, nullptr, nullptr), CUDA_ERROR_INVALID_VALUE);
    void* short_args[] = {&dx, nullptr, &n};
    expect("a null parameter pointer: INVALID_VALUE", cuLaunchKernel(gelu, 1, 1, 1, 32, 1, 1, 0, nullptr, short_args, nullptr), CUDA_ERROR_INVALID_VALUE);
    expect("block of 1025 threads: INVALID_VALUE", cuLaunchKernel(gelu, 1, 1, 1, 1025, 1, 1, 0, nullptr, args, nullptr), CUDA_ERROR_INVALID_VALUE);
    expect("grid.y of 65536: INVALID_VALUE", cuLaunchKernel(gelu, 1, 65536, 1, 32, 1, 1, 0, nullptr, args, nullptr), CUDA_ERROR_INVALID_VALUE);
    expect("49153 bytes of dynamic shared memory by default: INVALID_VALUE", cuLaunchKernel(gelu, 1, 1, 1, 32, 1, 1, 49153, nullptr, args, nullptr),
           CUDA_ERROR_INVALID_VALUE);
    expect("cuFuncSetAttribute(max dynamic shared, 64 KiB)", cuFuncSetAttribute(gelu, 8, 65536), CUDA_SUCCESS);
    expect("65536 bytes after cuFuncSetAttribute", cuLaunchKernel(gelu, 1, 1, 1, 32, 1, 1, 65536, nullptr, args, nullptr), CUDA_SUCCESS);
    expect("cuFuncSetAttribute above 163 KiB: INVALID_VALUE", cuFuncSetAttribute(gelu, 8, 163 * 1024 + 1), CUDA_ERROR_INVALID_VALUE);
    int width = 1000;
    void* rows[] = {&dx, &dy, &width};
    expect("softmax_rows with 512 threads over __launch_bounds__(256)", cuLaunchKernel(softmax, 1, 1, 1, 512, 1, 1, 0, nullptr, rows, nullptr),
           CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES);
    expect("softmax_rows, one row of 1000", cuLaunchKernel(softmax, 1, 1, 1, 256, 1, 1, 0, nullptr, rows, nullptr), CUDA_SUCCESS);
    y = download(dy, 1000);
    double total = 0;
    for (float v : y)
        total += v;
    check("softmax row sums to 1 within 1e-5", std::abs(total - 1) < 1e-5, scientific(total - 1));

    float host_buffer[4];
    CUdeviceptr outside = reinterpret_cast<CUdeviceptr>(host_buffer);
    void* stray[] = {&dx, &outside, &n};
    expect("a kernel pointer argument outside every allocation: INVALID_VALUE", cuLaunchKernel(gelu, 1, 1, 1, 32, 1, 1, 0, nullptr, stray, nullptr),
           CUDA_ERROR_INVALID_VALUE);
    CUdeviceptr small = 0;
    cuMemAlloc_v2(&small, 999 * 4);
    void* overrun[] = {&dx, &small, &n};
    expect("a kernel writing past its output's end: ILLEGAL_ADDRESS", cuLaunchKernel(gelu, 4, 1, 1, 256, 1, 1, 0, nullptr, overrun, nullptr),
           CUDA_ERROR_ILLEGAL_ADDRESS);

    CUevent start, end;
    cuEventCreate(&start, 0);
    cuEventCreate(&end, 0);
    float ms = -1;
    cuEventRecord(start, nullptr);
    expect("cuEventElapsedTime with an unrecorded event: INVALID_HANDLE", cuEventElapsedTime(&ms, start, end), CUDA_ERROR_INVALID_HANDLE);
    cuEventRecord(end, nullptr);
    expect("cuEventElapsedTime", cuEventElapsedTime(&ms, start, end), CUDA_SUCCESS);
    check("elapsed time is not negative", ms >= 0);
    const char* name = nullptr;
    cuGetErrorName(CUDA_ERROR_ILLEGAL_ADDRESS, &name);
    check("cuGetErrorName(700)", name && std::strcmp(name, "CUDA_ERROR_ILLEGAL_ADDRESS") == 0);
    expect("cuGetErrorName of an unknown code: INVALID_VALUE", cuGetErrorName(12345, &name), CUDA_ERROR_INVALID_VALUE);
}

// Column-major C = op(A) op(B) in float64, the reference for the fake cuBLAS.
double reference(const std::vector<float>& a, int lda, bool ta, const std::vector<float>& b, int ldb, bool tb, int i, int j, int k)
{
    double sum = 0;
    for (int l = 0; l < k; l++)
        sum += static_cast<double>(ta ? a[l + i * lda] : a[i + l * lda]) * (tb ? b[j + l * ldb] : b[l + j * ldb]);
    return sum;
}

void cublas_checks()
{
    void* handle = nullptr;
    cublasCreate_v2(&handle);
    const int m = 37, n = 29, k = 53;
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++)
        {
            int lda = (ta ? k : m) + 3, ldb = (tb ? n : k) + 1, ldc = m + 2;
            std::vector<float> a(static_cast<std::size_t>(lda) * (ta ? m : k)), b(static_cast<std::size_t>(ldb) * (tb ? k : n));
            for (std::size_t i = 0; i < a.size(); i++)
                a[i] = std::sin(0.37 * i);
            for (std::size_t i = 0; i < b.size(); i++)
                b[i] = std::cos(0.11 * i);
            CUdeviceptr da = upload(a), db = upload(b), dc = upload(std::vector<float>(static_cast<std::size_t>(ldc) * n, NAN));
            float alpha = 0.5f, beta = 0;
            int status = cublasGemmStridedBatchedEx(handle, ta, tb, m, n, k, &alpha, reinterpret_cast<void*>(da), 0, lda, 0,
                                                    reinterpret_cast<void*>(db), 0, ldb, 0, &beta, reinterpret_cast<void*>(dc), 0, ldc, 0, 1, 68, -1);
            auto c = download(dc, static_cast<std::size_t>(ldc) * n);
            double worst = 0;
            for (int j = 0; j < n; j++)
                for (int i = 0; i < m; i++)
                    worst = std::max(worst, std::abs(c[i + j * ldc] - 0.5 * reference(a, lda, ta, b, ldb, tb, i, j, k)));
            std::string label = std::string("cublas GEMM ") + (ta ? "T" : "N") + (tb ? "T" : "N") + ", beta 0 over NaN, vs float64";
            check(label.c_str(), status == 0 && worst < 1e-5, scientific(worst));
        }

    // 1 + 2^-12 survives FP32 but not TF32's 10 mantissa bits; 1 + 2^-6 survives BF16's 7 bits, 1 + 2^-9 does not.
    auto one_product = [&](float value, int compute) {
        CUdeviceptr da = upload({value}), db = upload({1.0f}), dc = upload({0.0f});
        float alpha = 1, beta = 0;
        cublasGemmStridedBatchedEx(handle, 0, 0, 1, 1, 1, &alpha, reinterpret_cast<void*>(da), 0, 1, 0, reinterpret_cast<void*>(db), 0, 1, 0, &beta,
                                   reinterpret_cast<void*>(dc), 0, 1, 0, 1, compute, -1);
        return download(dc, 1)[0];
    };
    check("FP32 keeps 1 + 2^-12", one_product(1 + 0x1p-12f, 68) == 1 + 0x1p-12f);
    check("TF32 rounds 1 + 2^-12 to 1", one_product(1 + 0x1p-12f, 77) == 1.0f);
    check("BF16 keeps 1 + 2^-6, rounds 1 + 2^-9 to 1", one_product(1 + 0x1p-6f, 75) == 1 + 0x1p-6f && one_product(1 + 0x1p-9f, 75) == 1.0f);
    check("FP16 rounds 1 + 2^-12 to 1", one_product(1 + 0x1p-12f, 74) == 1.0f);

    CUdeviceptr d = upload(std::vector<float>(16, 1.0f));
    float alpha = 1, beta = 0;
    void* p = reinterpret_cast<void*>(d);
    check("FP16 operands: NOT_SUPPORTED", cublasGemmStridedBatchedEx(handle, 0, 0, 2, 2, 2, &alpha, p, 2, 2, 0, p, 0, 2, 0, &beta, p, 0, 2, 0, 1, 68, -1) == 15);
    check("lda below the rows of A: INVALID_VALUE", cublasGemmStridedBatchedEx(handle, 0, 0, 2, 2, 2, &alpha, p, 0, 1, 0, p, 0, 2, 0, &beta, p, 0, 2, 0, 1, 68, -1) == 7);
    check("a batch past the end of B: INVALID_VALUE", cublasGemmStridedBatchedEx(handle, 0, 0, 2, 2, 2, &alpha, p, 0, 2, 0, p, 0, 2, 16, &beta, p, 0, 2, 0, 2, 68, -1) == 7);
}
}

int main()
{
    executor_checks();
    driver_checks();
    cublas_checks();
    std::printf("%d failure(s)\n", failures);
    return failures == 0 ? 0 : 1;
}
