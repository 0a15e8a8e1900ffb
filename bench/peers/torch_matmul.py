"""PyTorch CPU peer for our SGEMM: times the shapes of bench/QRecipe.Benchmarks/SgemmPeerHarness.cs and prints
"MxKxN layout gflops" lines in the same format. Run with Debian's interpreter: /usr/bin/python3 torch_matmul.py [seconds]
(python3-torch). Layout "nt" is F.linear(x, W) = x·Wᵀ with W [N, K]; "nn" is a plain A·B."""
import sys
import time

import torch

SHAPES = [(256, 1152, 3456), (256, 1152, 4608), (256, 4608, 1152), (512, 1152, 1152), (2048, 2048, 2048)]


def median_seconds(fn, budget):
    """Median of at least 3 timed calls after one warm-up, repeating for about `budget` seconds."""
    fn()
    samples = []
    start = time.perf_counter()
    while len(samples) < 3 or (time.perf_counter() - start < budget and len(samples) < 1000):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return samples[len(samples) // 2]


def main():
    budget = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    torch.manual_seed(0)
    for m, k, n in SHAPES:
        a = torch.rand(m, k) - 0.5
        w = torch.rand(n, k) - 0.5
        b = torch.rand(k, n) - 0.5
        out = torch.empty(m, n)
        flops = 2.0 * m * n * k
        nt = median_seconds(lambda: torch.matmul(a, w.t(), out=out), budget)
        print(f"{m}x{k}x{n} nt {flops / nt / 1e9:.1f}", flush=True)
        nn = median_seconds(lambda: torch.matmul(a, b, out=out), budget)
        print(f"{m}x{k}x{n} nn {flops / nn / 1e9:.1f}", flush=True)


if __name__ == "__main__":
    main()
