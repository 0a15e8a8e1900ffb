#!/usr/bin/env bash
# The GPU checks of issue 9 in one go, for a GPU machine that has no .NET SDK (docs/cuda.md "Running on a GPU machine"):
# the self-test, the bench (GEMMs, SC throughput against the FP16 GEMM, DiT-XL/2 forward and 50-step sampling), the
# W4A8 SC-attention 50-step sampling run, and the PyTorch FP sampling peer when torch with CUDA is there. Everything
# goes under OUT; each step's exit code is recorded, and a failing step does not stop the others.
# Usage: scripts/gpu-verify.sh [qrecipe binary] [OUT]   (defaults: artifacts/qrecipe-linux-x64/qrecipe, $OUT or gpu-results)
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-artifacts/qrecipe-linux-x64/qrecipe}
out=${2:-${OUT:-gpu-results}}
mkdir -p "$out"
export QRECIPE_CUDA_CACHE="$out/kernel-cache"

step() {
  local name=$1
  shift
  local start=$SECONDS
  "$@" > "$out/$name.txt" 2>&1
  local status=$?
  echo "$name: exit $status, $((SECONDS - start)) s" | tee -a "$out/summary.txt"
  tail -n 3 "$out/$name.txt"
}

step machine sh -c 'nvidia-smi; ldconfig -p | grep -E "libcuda|nvrtc|cublas"; ls -d /usr/local/cuda* 2>/dev/null; python3 -c "import torch; print(torch.__version__, torch.cuda.is_available())"'
step selftest "$bin" selftest --device cuda
step bench "$bin" bench --device cuda --steps 50
step run-w4a8-sc-attention "$bin" run bench/recipes/dit_xl_w4a8_sc_attention_50.qrecipe --synthetic --device cuda --samples 1 --out "$out/runs"
if python3 -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
  step torch-fp32 sh -c 'cd bench/peers && python3 torch_dit_sampling.py 1 50'
  step torch-tf32 sh -c 'cd bench/peers && python3 torch_dit_sampling.py 1 50 --tf32'
else
  echo "torch: no torch with CUDA here; the PyTorch peer was not run" | tee -a "$out/summary.txt"
fi
