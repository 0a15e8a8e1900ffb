#!/usr/bin/env bash
# Builds the fakes and the CLI (Release) and runs `qrecipe selftest --device cuda` against the fakes (README.md),
# with the fake driver's exit summary. Extra arguments go to selftest, e.g. --filter "sc enable".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
dotnet build "$root/src/QRecipe.Cli" -c Release -v q -nologo >&2
export QRECIPE_FAKE_CUDA_STATS=${QRECIPE_FAKE_CUDA_STATS:-1}
exec "$here/with-fake-cuda.sh" dotnet "$root/src/QRecipe.Cli/bin/Release/net10.0/qrecipe.dll" selftest --device cuda "$@"
