// Modules, functions and launches (libcuda.so.1). cuModuleLoadData keeps the image NVRTC produced only to check it:
// a CUBIN must be a CUDA ELF for the fake device's architecture, PTX must not target a newer one, and each function
// looked up must be named in the image. The code that runs is the C++ build of the same kernel (kernels.cpp).
#include "kernels.h"
#include "state.h"
#include "stats.h"
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

struct FakeModule
{
    std::vector<unsigned char> image;
};

struct FakeFunction
{
    const fake::Kernel* kernel;
    CUmodule module;
    int max_dynamic_shared = 48 * 1024;
};

namespace
{
constexpr unsigned short em_cuda = 190;

template <typename T>
T field(const unsigned char* image, std::size_t offset)
{
    T value;
    std::memcpy(&value, image + offset, sizeof value);
    return value;
}

// The image's bytes: a 64-bit ELF up to the end of its header tables, or NUL-terminated PTX.
CUresult read_image(const unsigned char* image, std::vector<unsigned char>& bytes)
{
    if (std::memcmp(image, "\x7f" "ELF", 4) == 0)
    {
        if (image[4] != 2 || field<unsigned short>(image, 0x12) != em_cuda)
            return fake::fail("cuModuleLoadData", CUDA_ERROR_INVALID_IMAGE, "an ELF image that is not 64-bit CUDA code");
        int arch = static_cast<int>(field<std::uint32_t>(image, 0x30) & 0xFF);
        if (arch != fake::device().arch)
        {
            std::fprintf(stderr, "fake-cuda: cuModuleLoadData: CUBIN for sm_%d; the device is sm_%d\n", arch, fake::device().arch);
            fake::stats().failures++;
            return CUDA_ERROR_INVALID_IMAGE;
        }
        // NVRTC writes the section headers, then the program headers last; take whichever table ends later.
        auto sections = field<std::uint64_t>(image, 0x28) + std::uint64_t(field<unsigned short>(image, 0x3A)) * field<unsigned short>(image, 0x3C);
        auto programs = field<std::uint64_t>(image, 0x20) + std::uint64_t(field<unsigned short>(image, 0x36)) * field<unsigned short>(image, 0x38);
        auto size = std::max(sections, programs);
        bytes.assign(image, image + size);
        return CUDA_SUCCESS;
    }
    // PTX is JIT-compiled by the driver for any device at least as new as its .target.
    const char* text = reinterpret_cast<const char*>(image);
    const char* target = std::strstr(text, ".target sm_");
    if (!std::strstr(text, ".version") || !target)
        return fake::fail("cuModuleLoadData", CUDA_ERROR_INVALID_IMAGE, "neither CUBIN nor PTX");
    if (std::atoi(target + 11) > fake::device().arch)
    {
        std::fprintf(stderr, "fake-cuda: cuModuleLoadData: PTX for sm_%d; the device is sm_%d\n", std::atoi(target + 11), fake::device().arch);
        fake::stats().failures++;
        return CUDA_ERROR_INVALID_IMAGE;
    }
    bytes.assign(image, image + std::strlen(text));
    return CUDA_SUCCESS;
}

// True when the image holds name as a whole word (an ELF symbol string or a PTX .entry).
bool names(const std::vector<unsigned char>& image, const char* name)
{
    std::string_view bytes(reinterpret_cast<const char*>(image.data()), image.size());
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (auto at = bytes.find(name); at != std::string_view::npos; at = bytes.find(name, at + 1))
    {
        auto end = at + std::strlen(name);
        if ((at == 0 || !word(bytes[at - 1])) && (end == bytes.size() || !word(bytes[end])))
            return true;
    }
    return false;
}

bool live_module(CUmodule module)
{
    std::lock_guard lock(fake::state().mutex);
    return fake::state().modules.count(module);
}

bool live_function(CUfunction function)
{
    std::lock_guard lock(fake::state().mutex);
    return fake::state().functions.count(function);
}
}

FAKE_EXPORT CUresult cuModuleLoadData(CUmodule* module, const void* image)
{
    if (auto r = fake::ready("cuModuleLoadData"))
        return r;
    if (!module || !image)
        return fake::fail("cuModuleLoadData", CUDA_ERROR_INVALID_VALUE, "null pointer");
    auto* loaded = new FakeModule();
    if (auto r = read_image(static_cast<const unsigned char*>(image), loaded->image))
    {
        delete loaded;
        return r;
    }
    std::lock_guard lock(fake::state().mutex);
    fake::state().modules.insert(loaded);
    fake::stats().modules++;
    fake::stats().live_modules++;
    *module = loaded;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuModuleUnload(CUmodule module)
{
    std::lock_guard lock(fake::state().mutex);
    auto& s = fake::state();
    if (!s.modules.erase(module))
        return fake::fail("cuModuleUnload", CUDA_ERROR_INVALID_HANDLE, "not a live module");
    for (auto it = s.functions.begin(); it != s.functions.end();)
    {
        auto* function = static_cast<const FakeFunction*>(*it);
        if (function->module != module)
        {
            ++it;
            continue;
        }
        delete function;
        it = s.functions.erase(it);
    }
    fake::stats().live_modules--;
    delete module;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuModuleGetFunction(CUfunction* function, CUmodule module, const char* name)
{
    if (!function || !name)
        return fake::fail("cuModuleGetFunction", CUDA_ERROR_INVALID_VALUE, "null pointer");
    if (!live_module(module))
        return fake::fail("cuModuleGetFunction", CUDA_ERROR_INVALID_HANDLE, "not a live module");
    const auto* kernel = fake::find_kernel(name);
    if (!kernel || !names(module->image, name))
    {
        std::fprintf(stderr, "fake-cuda: cuModuleGetFunction: %s is %s\n", name, kernel ? "not in this module's image" : "not a kernel of Kernels/*.cu");
        fake::stats().failures++;
        return CUDA_ERROR_NOT_FOUND;
    }
    *function = new FakeFunction{kernel, module};
    std::lock_guard lock(fake::state().mutex);
    fake::state().functions.insert(*function);
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuFuncSetAttribute(CUfunction function, int attribute, int value)
{
    if (!live_function(function))
        return fake::fail("cuFuncSetAttribute", CUDA_ERROR_INVALID_HANDLE, "not a live function");
    if (attribute != 8)  // CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, the only one emulated
        return fake::fail("cuFuncSetAttribute", CUDA_ERROR_INVALID_VALUE, "attribute not emulated");
    if (value < 0 || value > fake::device().shared_optin)
        return fake::fail("cuFuncSetAttribute", CUDA_ERROR_INVALID_VALUE, "dynamic shared memory above the device's opt-in limit");
    function->max_dynamic_shared = value;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuLaunchKernel(CUfunction function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                                    unsigned shared_bytes, CUstream stream, void** parameters, void** extra)
{
    if (auto r = fake::ready("cuLaunchKernel"))
        return r;
    if (!live_function(function))
        return fake::fail("cuLaunchKernel", CUDA_ERROR_INVALID_HANDLE, "not a live function");
    if (auto r = fake::valid_stream("cuLaunchKernel", stream))
        return r;
    const char* name = function->kernel->name;
    char why[256];
    CUresult result = CUDA_SUCCESS;
    unsigned long long threads = 1ull * bx * by * bz;
    if (extra != nullptr)
        std::snprintf(why, sizeof why, "%s: the extra parameter form is not emulated", name), result = CUDA_ERROR_INVALID_VALUE;
    else if (!gx || !gy || !gz || !bx || !by || !bz || gy > 65535 || gz > 65535 || gx > 2147483647u)
        std::snprintf(why, sizeof why, "%s: grid %ux%ux%u or block %ux%ux%u outside the limits", name, gx, gy, gz, bx, by, bz), result = CUDA_ERROR_INVALID_VALUE;
    else if (threads > 1024 || bx > 1024 || by > 1024 || bz > 64)
        std::snprintf(why, sizeof why, "%s: block %ux%ux%u above 1024 threads or the per-dimension limits", name, bx, by, bz), result = CUDA_ERROR_INVALID_VALUE;
    else if (threads > function->kernel->max_threads)
        std::snprintf(why, sizeof why, "%s: %llu threads per block above its __launch_bounds__ of %u", name, threads, function->kernel->max_threads),
            result = CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES;
    else if (shared_bytes > static_cast<unsigned>(function->max_dynamic_shared))
        std::snprintf(why, sizeof why, "%s: %u bytes of dynamic shared memory above the %d allowed (cuFuncSetAttribute)", name, shared_bytes,
                      function->max_dynamic_shared), result = CUDA_ERROR_INVALID_VALUE;
    if (result != CUDA_SUCCESS)
        return fake::fail("cuLaunchKernel", result, why);
    return function->kernel->launch({function->kernel, {gx, gy, gz}, {bx, by, bz}, shared_bytes, parameters});
}
