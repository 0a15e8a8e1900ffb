#!/usr/bin/env bash
# One DiT forward (batch 2, image 256) in our CPU runtime, float and W4A8 fake-quant, against ONNX Runtime 1.32 (CPU)
# on an ONNX export of the same architecture, interleaved in one process, each side's timed call after an untimed
# one of its own (docs/performance.md).
#   bench/run-ort-comparison.sh [models] [rounds] [seconds-per-round] [threads]
# models is a comma list of dit-s/2, dit-b/2, dit-l/2, dit-xl/2 (default dit-s/2,dit-xl/2; XL needs about 9 GB).
# The ONNX models are written once by bench/peers/onnx_export.py (Debian's python3-torch) into bench/.cache, which git
# ignores (DiT-XL/2: 2.6 GB of external data beside model.onnx). Each round runs the harness (peer-ort-dit) once per
# model: each side's peak memory in a child process of its own, then the interleaved timing. Printed per model are
# the medians over rounds of each side's median time, of the per-round median ratios ORT/ours (above 1: ours is
# faster) and of the peaks; the load average before and after, since the machine may be shared.
set -euo pipefail
cd "$(dirname "$0")/.."
models=${1:-dit-s/2,dit-xl/2}
rounds=${2:-3}
seconds=${3:-5}
threads=${4:-2}
cache=bench/.cache
out=$(mktemp -d)
dotnet build bench/QRecipe.Benchmarks -c Release -v q -nologo >"$out/build.log" || { cat "$out/build.log"; exit 1; }
for model in ${models//,/ }; do
  if [[ ! -f $cache/${model//\//_}/model.onnx ]]; then
    (cd bench/peers && /usr/bin/python3 onnx_export.py ../.cache "$model") 2>"$out/export.log" >&2 || { cat "$out/export.log"; exit 1; }
  fi
done
ours="dotnet bench/QRecipe.Benchmarks/bin/Release/net10.0/QRecipe.Benchmarks.dll"
export DOTNET_PROCESSOR_COUNT=$threads
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  for model in ${models//,/ }; do
    echo "round $round/$rounds $model" >&2
    $ours peer-ort-dit "$model" "$seconds" "$cache" >>"$out/results"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$out/results" <<'PY'
import statistics, sys
values = {}
for line in open(sys.argv[1]):
    model, what, value = line.split()
    values.setdefault((model, what), []).append(float(value))
for model in dict.fromkeys(m for m, _ in values):
    get = lambda what: statistics.median(values[(model, what)])
    print(f"{model}: ours fp {get('ours_fp_ms'):.1f} ms, ours w4a8 {get('ours_w4a8_ms'):.1f} ms, ORT fp {get('ort_fp_ms'):.1f} ms; "
          f"ORT/ours fp {get('ort_over_ours_fp'):.3f}x, ORT fp/ours w4a8 {get('ort_over_ours_w4a8'):.3f}x "
          f"(per-round ratios {', '.join(f'{v:.3f}' for v in values[(model, 'ort_over_ours_fp')])}); "
          f"peak MB ours fp {get('peak_mb_ours-fp'):.0f}, ours w4a8 {get('peak_mb_ours-w4a8'):.0f}, ORT fp {get('peak_mb_ort-fp'):.0f}")
PY
