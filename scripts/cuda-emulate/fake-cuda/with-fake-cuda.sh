#!/usr/bin/env bash
# Runs a command with the fake libcuda.so.1 and libcublas.so.12 first on QRecipe's CUDA library path and
# QRECIPE_FAKE_CUDA naming their folder (README.md), building them into build/ when missing or older than their
# sources. NVRTC stays the real one the locator finds.
# Example: with-fake-cuda.sh dotnet src/QRecipe.Cli/bin/Release/net10.0/qrecipe.dll run recipes/small_custom.qrecipe --synthetic --device cuda
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$here/build
sources=("$here"/*.cpp "$here"/*.h "$here"/../executor.* "$here"/../emulate.h "$here"/../../../src/QRecipe.Runtime.Cuda/Kernels/*.cu)
stale=false
for f in "${sources[@]}"; do
  [ "$f" -nt "$build/libcuda.so.1" ] && stale=true
done
if $stale || [ ! -f "$build/libcublas.so.12" ]; then
  "$here/build.sh" "$build" >&2
fi
export QRECIPE_CUDA_PATH="$build${QRECIPE_CUDA_PATH:+:$QRECIPE_CUDA_PATH}"
# Tests that look for the fakes themselves read this folder.
export QRECIPE_FAKE_CUDA="$build"
exec "$@"
