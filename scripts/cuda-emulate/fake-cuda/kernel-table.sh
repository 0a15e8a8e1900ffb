#!/usr/bin/env bash
# Writes FAKE_KERNEL(name, max threads per block) for every __global__ kernel of the .cu files given, the bound taken
# from __launch_bounds__ (1024 without). Fails when a __global__ line does not parse, so no kernel is left out.
# Usage: kernel-table.sh OUTPUT FILE.cu...
set -euo pipefail
out=$1
shift
declared=$(cat "$@" | grep -c '__global__ void' || true)
sed -nE 's/^extern "C" __global__ void (__launch_bounds__\(([^)]*)\) )?([A-Za-z_][A-Za-z_0-9]*)\(.*/FAKE_KERNEL(\3, \2)/p' "$@" |
  sed -E 's/, \)$/, 1024)/' > "$out"
parsed=$(wc -l < "$out")
if [ "$parsed" -ne "$declared" ]; then
  echo "kernel-table.sh: $declared __global__ kernels declared but $parsed parsed into $out" >&2
  exit 1
fi
