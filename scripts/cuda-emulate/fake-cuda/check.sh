#!/usr/bin/env bash
# Builds the fakes and check.cpp, then runs the checks of the fakes' own behaviour (README.md). The fakes' error lines
# on stderr are expected: each refused call prints one.
# Usage: scripts/cuda-emulate/fake-cuda/check.sh [OUT]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "${1:-$here/build}" && cd "${1:-$here/build}" && pwd)
"$here/build.sh" "$out"
g++ -std=c++20 -O2 -pthread -Wall -Wextra -Werror -I"$here" -I"$here/.." -o "$out/check" "$here/check.cpp" "$here/../executor.cpp" \
  "$out/libcuda.so.1" "$out/libcublas.so.12" -Wl,-rpath,"$out"
"$out/check"
