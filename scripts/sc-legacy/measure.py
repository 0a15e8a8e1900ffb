"""Measures the SC kernels through `qrecipe sc matmul` on random normal operands (docs/sc-engine.md, "Legacy kernels").

    /usr/bin/python3 scripts/sc-legacy/measure.py path/to/qrecipe.dll OUT_DIR

Writes a.npy and b.npy (24x96 and 20x96, numpy seed 0) and each product to OUT_DIR, and prints cosine and relative
error of every kernel (enable bipolar/unipolar, xnor, and) at p = 4, 6, 8 and L = 16, 32, 64, 256 (L <= 2^p) against
the exact product and against the quantized product (per-row quantization computed here). Not used by the build or
the tests.
"""
import os
import subprocess
import sys
import numpy as np
from model import errors, operands, quantize_bipolar, quantize_unipolar


def main():
    cli, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    a, b = operands(24, 20, 96)
    np.save(f"{out}/a.npy", a)
    np.save(f"{out}/b.npy", b)
    exact = a.astype(np.float64) @ b.astype(np.float64).T
    for kernel, mode in [("enable", "bipolar"), ("enable", "unipolar"), ("xnor", "bipolar"), ("and", "unipolar")]:
        for p in [4, 6, 8]:
            if mode == "bipolar":
                (xa, sa, _), (xb, sb, _) = quantize_bipolar(a, p), quantize_bipolar(b, p)
                quantized = (xa @ xb.T) * (sa[:, None] * sb[None])
            else:
                (xa, sa, za, _), (xb, sb, zb, _) = quantize_unipolar(a, p), quantize_unipolar(b, p)
                quantized = ((xa - za[:, None]) @ (xb - zb[:, None]).T) * (sa[:, None] * sb[None])
            for length in [16, 32, 64, 256]:
                if length > 1 << p:
                    continue
                name = f"{out}/{kernel if kernel != 'enable' else 'enable-' + mode}-{p}-{length}.npy"
                subprocess.run(["dotnet", cli, "sc", "matmul", "--a", f"{out}/a.npy", "--b", f"{out}/b.npy", "--kernel", kernel,
                                "--mode", mode, "--precision", str(p), "--stream", str(length), "--out", name],
                               check=True, capture_output=True)
                product = np.load(name).astype(np.float64)
                (ce, re), (cq, rq) = errors(product, exact), errors(product, quantized)
                print(f"{kernel:6s} {mode:8s} p{p} L{length:3d}: vs exact cos {ce:.4f} rel {re:.4f} | vs quantized cos {cq:.4f} rel {rq:.4f}")


if __name__ == "__main__":
    main()
