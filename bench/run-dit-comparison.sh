#!/usr/bin/env bash
# One DiT forward (batch 2, image 256) in our CPU runtime, float and W4A8 fake-quant, against PyTorch float32 on the
# same architecture with random weights, interleaved in one run (docs/performance.md).
#   bench/run-dit-comparison.sh [models] [rounds] [seconds-per-case] [threads]
# models is a comma list of catalogue names (default dit-s/2; dit-xl/2 needs about 7 GB and minutes per round).
# Each round runs our harness (peer-dit) and bench/peers/torch_dit.py once per model, each in its own process so the
# peak memory figure is that model's. Debian's python3-torch links the reference BLAS (1-4 GFLOP/s); if OPENBLAS_DIR
# names a directory holding OpenBLAS's libblas.so.3 (e.g. extracted from libopenblas0-pthread), PyTorch runs on it.
# Prints per model the medians over rounds, W4A8/float (median of per-call-pair ratios) and PyTorch/ours ratios,
# and both peak resident sets.
set -euo pipefail
cd "$(dirname "$0")/.."
models=${1:-dit-s/2}
rounds=${2:-3}
seconds=${3:-3}
threads=${4:-2}
out=$(mktemp -d)
dotnet build bench/QRecipe.Benchmarks -c Release -v q -nologo >"$out/build.log" || { cat "$out/build.log"; exit 1; }
ours="dotnet bench/QRecipe.Benchmarks/bin/Release/net10.0/QRecipe.Benchmarks.dll"
export DOTNET_PROCESSOR_COUNT=$threads OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads
if [[ -n "${OPENBLAS_DIR:-}" ]]; then export LD_LIBRARY_PATH="$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
for round in $(seq "$rounds"); do
  for model in ${models//,/ }; do
    echo "round $round/$rounds $model" >&2
    $ours peer-dit "$model" "$seconds" | sed 's/^/ours /' >>"$out/results"
    (cd bench/peers && /usr/bin/python3 torch_dit.py "$model" "$seconds" "$threads") | sed 's/^/torch /' >>"$out/results"
  done
done
/usr/bin/python3 - "$out/results" <<'PY'
import statistics, sys
values = {}
for line in open(sys.argv[1]):
    who, model, what, value = line.split()
    values.setdefault((model, who, what), []).append(float(value))
for model in dict.fromkeys(m for m, _, _ in values):
    get = lambda who, what: statistics.median(values[(model, who, what)])
    fp, w4a8, torch = get("ours", "fp"), get("ours", "w4a8"), get("torch", "fp")
    print(f"{model}: ours fp {fp:.1f} ms, w4a8 {w4a8:.1f} ms (w4a8/fp {get('ours', 'w4a8_over_fp'):.3f}, median of pairs); torch fp {torch:.1f} ms "
          f"(torch/ours fp {torch / fp:.2f}x); peak MB ours {get('ours', 'peak_mb'):.0f}, torch {get('torch', 'peak_mb'):.0f}")
PY
