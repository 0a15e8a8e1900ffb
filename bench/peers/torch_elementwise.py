"""PyTorch CPU peer for our memory-bound operations: the cases of bench/QRecipe.Benchmarks/ElementwisePeerHarness.cs
(softmax over attention scores, LayerNorm without affine, GELU-tanh over the MLP hidden, and a copy of the same bytes),
printed as "op shape GB/s" with GB/s = (bytes read + bytes written) / median time.
Run: /usr/bin/python3 torch_elementwise.py [seconds] [threads]"""
import sys

import torch
import torch.nn.functional as F

from torch_matmul import median_seconds

CASES = [("softmax", (32, 256, 256)), ("layernorm", (2, 256, 1152)), ("gelu", (2, 256, 4608))]


def main():
    budget = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    for op, shape in CASES:
        x = torch.rand(*shape) * 10 - 5
        y = torch.empty_like(x)
        fn = {
            "softmax": lambda: torch.softmax(x, dim=-1),
            "layernorm": lambda: F.layer_norm(x, (shape[-1],), eps=1e-6),
            "gelu": lambda: F.gelu(x, approximate="tanh"),
        }[op]
        nbytes = 2.0 * x.numel() * 4
        name = "x".join(map(str, shape))
        print(f"{op} {name} {nbytes / median_seconds(fn, budget) / 1e9:.2f}", flush=True)
        print(f"memcpy {name} {nbytes / median_seconds(lambda: y.copy_(x), budget) / 1e9:.2f}", flush=True)


if __name__ == "__main__":
    main()
