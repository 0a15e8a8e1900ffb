#!/usr/bin/env bash
# Self-contained, trimmed linux-x64 publish of the qrecipe CLI for a GPU machine that has no .NET SDK (docs/cuda.md).
# Usage: scripts/publish-gpu.sh [output-folder]   (default: artifacts/qrecipe-linux-x64)
# Copy the folder to the GPU machine and run: ./qrecipe selftest --device cuda ; ./qrecipe bench --device cuda
# The CUDA libraries are not bundled: the driver comes with the machine, NVRTC and cuBLAS from the CUDA toolkit or
# NVIDIA's Python wheels (found automatically, or through QRECIPE_CUDA_PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/qrecipe-linux-x64}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Settings live in the CLI's publish profile (src/QRecipe.Cli/Properties/PublishProfiles/gpu-linux-x64.pubxml).
set +e
dotnet publish src/QRecipe.Cli -p:PublishProfile=gpu-linux-x64 -o "$out" -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || exit "$status"

if grep -Eq 'warning IL[0-9]+' "$log"; then
  echo "publish-gpu: trimming warnings above; fix them before shipping" >&2
  exit 1
fi
size=$(du -sb "$out" | cut -f1)
echo "publish-gpu: $out holds $(ls "$out" | wc -l) files, $((size / 1024 / 1024)) MiB ($size bytes)"
