#!/usr/bin/env bash
# Writes the kernels of src/QRecipe.Runtime.Cuda/Kernels/*.cu as one C++ file for emulate.h (run.sh and
# fake-cuda/build.sh). Dynamic shared memory becomes a pointer into the emulator's per-worker buffer.
# Usage: kernels-inc.sh OUTPUT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for f in "$here"/../../src/QRecipe.Runtime.Cuda/Kernels/*.cu; do
  echo "// $(basename "$f")"
  sed -E 's/extern __shared__ ([a-z ]+) ([a-zA-Z]+)\[\];/\1* \2 = (\1*)emu_dynamic_shared;/' "$f"
done > "$1"
