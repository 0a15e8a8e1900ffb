#!/usr/bin/env bash
# Our CPU runtime against PyTorch's CPU kernels and ONNX Runtime 1.32's MatMul, interleaved in one run on this machine (docs/performance.md).
#   bench/run-sgemm-comparison.sh [rounds] [seconds-per-case]
# Each round runs our harness, then the PyTorch peer (torch_matmul.py, torch_elementwise.py). Debian's python3-torch
# links the reference BLAS (libblas.so.3, about 1-4 GFLOP/s), so its matmul is timed in the first round only; if
# OPENBLAS_DIR names a directory holding OpenBLAS's libblas.so.3 (e.g. extracted from libopenblas0-pthread), PyTorch
# is timed on OpenBLAS in every round too. Medians over rounds are printed as GFLOP/s (SGEMM) and GB/s (memory-bound
# ops), with ratios. ONNX Runtime runs the MatMul models bench/peers/onnx_export.py --matmul writes into bench/.cache
# (made here when missing). Everything runs on all cores (torch.set_num_threads(nproc), OPENBLAS_NUM_THREADS=nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
seconds=${2:-1}
threads=$(nproc)
out=$(mktemp -d)
dotnet build bench/QRecipe.Benchmarks -c Release -v q -nologo >"$out/build.log" || { cat "$out/build.log"; exit 1; }
ours="dotnet bench/QRecipe.Benchmarks/bin/Release/net10.0/QRecipe.Benchmarks.dll"
if [[ ! -d bench/.cache/matmul ]]; then
  (cd bench/peers && /usr/bin/python3 onnx_export.py ../.cache none --matmul) 2>"$out/export.log" >&2 || { cat "$out/export.log"; exit 1; }
fi
export OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads
for round in $(seq "$rounds"); do
  echo "round $round/$rounds" >&2
  $ours peer-sgemm "$seconds" | sed 's/^/ours /' >>"$out/results"
  $ours peer-elementwise "$seconds" | sed 's/^/ours /' >>"$out/results"
  $ours peer-fma | sed 's/^/ours /' >>"$out/results"
  $ours peer-ort-sgemm "$seconds" bench/.cache | sed 's/^/ort /' >>"$out/results"
  if [[ $round == 1 ]]; then
    (cd bench/peers && /usr/bin/python3 torch_matmul.py 0 "$threads") | sed 's/^/torch /' >>"$out/results"
  fi
  (cd bench/peers && /usr/bin/python3 torch_elementwise.py "$seconds" "$threads") | sed 's/^/torch /' >>"$out/results"
  if [[ -n "${OPENBLAS_DIR:-}" ]]; then
    (cd bench/peers && LD_LIBRARY_PATH="$OPENBLAS_DIR" /usr/bin/python3 torch_matmul.py "$seconds" "$threads") | sed 's/^/torch+openblas /' >>"$out/results"
  fi
done
/usr/bin/python3 bench/peers/summarize.py "$out/results"
