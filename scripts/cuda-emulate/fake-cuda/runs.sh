#!/usr/bin/env bash
# Runs recipes/small_custom.qrecipe and the variants in recipes/ (other SC kernels and lengths, FP32) on the CPU
# backend and with --device cuda on the fakes, and compares their latents (README.md). Needs /usr/bin/python3 with
# numpy for the comparison. Usage: scripts/cuda-emulate/fake-cuda/runs.sh [OUT] (default: a temporary folder)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
dotnet build "$root/src/QRecipe.Cli" -c Release -v q -nologo >&2
cli=(dotnet "$root/src/QRecipe.Cli/bin/Release/net10.0/qrecipe.dll")
printf '%-14s %9s %9s %11s %14s %10s %s\n' recipe "cpu s" "fake s" "max |diff|" "mean rel diff" identical "fake driver"
for recipe in "$root/recipes/small_custom.qrecipe" "$here"/recipes/*.qrecipe; do
  name=$(basename "$recipe" .qrecipe)
  rm -rf "$out/$name-cpu" "$out/$name-cuda"
  start=$(date +%s.%N)
  "${cli[@]}" run "$recipe" --synthetic --out "$out/$name-cpu" > "$out/$name-cpu.log" 2>&1
  middle=$(date +%s.%N)
  QRECIPE_FAKE_CUDA_STATS=1 "$here/with-fake-cuda.sh" "${cli[@]}" run "$recipe" --synthetic --device cuda --out "$out/$name-cuda" \
    > "$out/$name-cuda.log" 2>&1
  end=$(date +%s.%N)
  driver=$(grep -o '[0-9]* failed calls; not destroyed: .*' "$out/$name-cuda.log" || echo "no summary (see $out/$name-cuda.log)")
  /usr/bin/python3 - "$name" "$start" "$middle" "$end" "$driver" "$out/$name-cpu"/*/latents.npy "$out/$name-cuda"/*/latents.npy <<'PY'
import sys
import numpy as np
name, start, middle, end, driver, cpu, cuda = sys.argv[1:]
a, b = np.load(cpu).astype(np.float64), np.load(cuda).astype(np.float64)
d = np.abs(a - b)
print(f"{name:<14} {float(middle) - float(start):9.1f} {float(end) - float(middle):9.1f} {d.max():11.3g} "
      f"{d.mean() / np.abs(a).mean():14.3g} {np.mean(a == b) * 100:9.1f}% {driver}")
PY
done
