#!/usr/bin/env bash
# Our CPU runtime against PyTorch's CPU kernels, interleaved in one run on this machine (docs/performance.md).
#   bench/run-sgemm-comparison.sh [rounds] [seconds-per-case]
# Each round runs our harness, then the PyTorch peer with the BLAS Debian's python3-torch links by default
# (libblas.so.3), then — if OPENBLAS_DIR names a directory holding OpenBLAS's libblas.so.3 — PyTorch again on
# OpenBLAS. Medians over rounds are printed as GFLOP/s (SGEMM) and GB/s (memory-bound ops), with ratios.
# PyTorch and OpenBLAS run on all cores (torch.set_num_threads(nproc), OPENBLAS_NUM_THREADS=nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
seconds=${2:-1}
threads=$(nproc)
out=$(mktemp -d)
dotnet build bench/QRecipe.Benchmarks -c Release -v q -nologo >/dev/null
ours="dotnet bench/QRecipe.Benchmarks/bin/Release/net10.0/QRecipe.Benchmarks.dll"
export OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads
for round in $(seq "$rounds"); do
  echo "round $round/$rounds" >&2
  $ours peer-sgemm "$seconds" | sed 's/^/ours /' >>"$out/results"
  $ours peer-elementwise "$seconds" | sed 's/^/ours /' >>"$out/results"
  $ours peer-fma | sed 's/^/ours /' >>"$out/results"
  (cd bench/peers && /usr/bin/python3 torch_matmul.py "$seconds" "$threads" && /usr/bin/python3 torch_elementwise.py "$seconds" "$threads") | sed 's/^/torch /' >>"$out/results"
  if [[ -n "${OPENBLAS_DIR:-}" ]]; then
    (cd bench/peers && LD_LIBRARY_PATH="$OPENBLAS_DIR" /usr/bin/python3 torch_matmul.py "$seconds" "$threads") | sed 's/^/torch+openblas /' >>"$out/results"
  fi
done
/usr/bin/python3 bench/peers/summarize.py "$out/results"
