#!/usr/bin/env bash
# Runs the CUDA kernels under a CPU emulation of the CUDA execution model against the CPU engine (README.md).
# Needs g++ (C++20) and the .NET SDK; no GPU. Usage: scripts/cuda-emulate/run.sh [work-folder]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
dotnet run --project "$here/dump" -- "$work"
"$here/kernels-inc.sh" "$work/kernels.inc"
g++ -std=c++20 -O2 -ffp-contract=off -pthread -I"$here" -I"$work" -o "$work/run" "$here/run.cpp" "$here/executor.cpp"
"$work/run" "$work"
