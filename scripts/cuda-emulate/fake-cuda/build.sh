#!/usr/bin/env bash
# Builds the fake libcuda.so.1 and libcublas.so.12 (README.md) with g++ into OUT (default: build/ next to this script).
# Usage: [QRECIPE_FAKE_CUDA_FMAD=1] scripts/cuda-emulate/fake-cuda/build.sh [OUT]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
emulate=$(dirname "$here")
out=$(mkdir -p "${1:-$here/build}" && cd "${1:-$here/build}" && pwd)
kernels=("$here"/../../../src/QRecipe.Runtime.Cuda/Kernels/*.cu)
"$emulate/kernels-inc.sh" "$out/kernels.inc"
"$here/kernel-table.sh" "$out/kernel_table.inc" "${kernels[@]}"
flags=(-std=c++20 -O3 -march=native -fPIC -fvisibility=hidden -pthread -Wall -Wextra -Werror -I"$here" -I"$emulate")
# The kernels keep run.sh's floating-point contract (no fused multiply-adds the source does not write) unless
# QRECIPE_FAKE_CUDA_FMAD=1, which lets g++ contract a*b+c as NVRTC's --fmad=true does on the GPU (not necessarily at
# the same places). CUDA C++ compares int with unsigned threadIdx freely.
contract=off
[ "${QRECIPE_FAKE_CUDA_FMAD:-0}" = 1 ] && contract=fast
g++ "${flags[@]}" -ffp-contract=$contract -Wno-sign-compare -I"$out" -shared -Wl,-soname,libcuda.so.1 \
  -o "$out/libcuda.so.1" "$here/driver.cpp" "$here/memory.cpp" "$here/copies.cpp" "$here/streams.cpp" "$here/modules.cpp" \
  "$here/kernels.cpp" "$here/stats.cpp" "$emulate/executor.cpp"
# libcublas finds the fake driver next to itself (the soname is already loaded when the host gets here).
g++ "${flags[@]}" -fopenmp-simd -shared -Wl,-soname,libcublas.so.12 -Wl,-rpath,'$ORIGIN' -o "$out/libcublas.so.12" \
  "$here/cublas.cpp" "$out/libcuda.so.1"
echo "built $out/libcuda.so.1 and $out/libcublas.so.12"
