"""NumPy model of the legacy XNOR/AND stochastic-computing kernels (docs/sc-engine.md, "Legacy kernels").

Reproduces the engine's accumulators for the current design and for the variants that led to it, so that the
ablation numbers in docs/sc-engine.md can be regenerated:

    /usr/bin/python3 scripts/sc-legacy/model.py [--check OUT_DIR]

Prints cosine and relative error of each variant against the exact and the quantized product for random normal
operands (24x96 by 20x96 and 16x512 by 24x512, seed 0), and how far scmp's rounded thresholds put the expected output
(independent streams) from the quantized product. With --check it also compares the 'current' variant with the
products `measure.py` wrote through `qrecipe sc matmul` (same operands), which must agree to float32 rounding.
Not used by the build or the tests.
"""
import sys
import numpy as np


def sobol(directions):
    p = len(directions)
    x, out = 0, []
    for n in range(1 << p):
        out.append(x)
        c = ((~n) & (n + 1)).bit_length() - 1  # lowest zero bit of n
        if c < p:
            x ^= directions[c]
    return np.array(out)


def q_sequence(p):  # first Sobol dimension (van der Corput), operand a
    return sobol([1 << (p - 1 - i) for i in range(p)])


def k_sequence(p):  # the enable kernel's b sequence (scmp's "k" seed)
    seed = [1] * p
    if p >= 5:
        seed[4] = 9
    if p >= 7:
        seed[6] = 41
    if p == 8:
        seed[7] = 255
    return sobol([s << (p - 1 - i) for i, s in enumerate(seed)])


def second_dimension(p):  # Sobol dimension 2: m_1 = 1, m_i = m_{i-1} xor 2 m_{i-1}
    m, directions = 1, []
    for i in range(p):
        directions.append(m << (p - 1 - i))
        m ^= m << 1
    return sobol(directions)


def bitrev(d, p):
    return int(format(d & ((1 << p) - 1), f"0{p}b")[::-1], 2)


def quantize_bipolar(x, p):
    qmax = (1 << (p - 1)) - 1
    scale = (np.maximum(np.abs(x).max(1), np.float32(1e-5)) / np.float32(qmax)).astype(np.float32)
    values = np.clip(np.round(x / scale[:, None]), -qmax, qmax).astype(np.int64)
    return values, scale.astype(np.float64), qmax


def quantize_unipolar(x, p):
    qmax = (1 << p) - 1
    lo, hi = x.min(1), x.max(1)
    scale = (np.maximum(hi - lo, np.float32(1e-5)) / np.float32(qmax)).astype(np.float32)
    zp = np.clip(np.round(-lo / scale), 0, qmax).astype(np.float32)
    values = np.clip(np.round(x / scale[:, None] + zp[:, None]), 0, qmax).astype(np.int64)
    return values, scale.astype(np.float64), zp.astype(np.float64), qmax


VARIANTS = {
    # name: (b sequence, separate b masks, scramble at full length, exact thresholds)
    "old (k sequence, shared masks, scmp thresholds)": ("k", False, False, False),
    "b = Sobol dim 2 only": ("dim2", False, False, False),
    "+ own b masks": ("dim2", True, False, False),
    "+ full-length scramble": ("dim2", True, True, False),
    "current (+ exact thresholds)": ("dim2", True, True, True),
}


def product(a, b, p, length, xnor, variant):
    b_sequence, own_masks, scramble_full, exact = variant
    dims, full = a.shape[1], 1 << p
    scrambled = length < full or scramble_full
    mask_a = np.array([bitrev(d, p) if scrambled else 0 for d in range(dims)])
    mask_b = np.array([(d & (full - 1) if own_masks else bitrev(d, p)) if scrambled else 0 for d in range(dims)])
    seq_b = k_sequence(p) if b_sequence == "k" else second_dimension(p)
    ra = q_sequence(p)[None, :length] ^ mask_a[:, None]
    rb = seq_b[None, :length] ^ mask_b[:, None]
    if xnor:
        (xa, sa, qmax), (xb, sb, _) = quantize_bipolar(a, p), quantize_bipolar(b, p)
        unit = (1 << (p - 1)) if exact else qmax
        threshold = (lambda x: x + (1 << (p - 1))) if exact else (lambda x: ((x + qmax) * full + qmax) // (2 * qmax))
    else:
        (xa, sa, za, qmax), (xb, sb, zb, _) = quantize_unipolar(a, p), quantize_unipolar(b, p)
        unit = full if exact else qmax
        threshold = (lambda x: x) if exact else (lambda x: (2 * x * full + qmax) // (2 * qmax))
    bits_a = ra[None] < threshold(xa)[:, :, None]
    bits_b = rb[None] < threshold(xb)[:, :, None]
    if xnor:
        ones = (bits_a[:, None] == bits_b[None]).sum((-1, -2))
        acc = 2 * ones - dims * length
        out = (acc * np.float32(unit * unit / length)) * (sa[:, None] * sb[None])
        quantized = (xa @ xb.T) * (sa[:, None] * sb[None])
    else:
        acc = (bits_a[:, None] & bits_b[None]).sum((-1, -2))
        correction = -zb[None] * xa.sum(1)[:, None] - za[:, None] * xb.sum(1)[None] + dims * za[:, None] * zb[None]
        out = (acc * np.float32(unit * unit / length) + correction) * (sa[:, None] * sb[None])
        quantized = ((xa - za[:, None]) @ (xb - zb[:, None]).T) * (sa[:, None] * sb[None])
    return out, quantized


def errors(x, reference):
    rel = np.linalg.norm(x - reference) / np.linalg.norm(reference)
    cos = (x * reference).sum() / np.linalg.norm(x) / np.linalg.norm(reference)
    return cos, rel


def operands(n, m, d):
    rng = np.random.default_rng(0)
    return rng.standard_normal((n, d)).astype(np.float32), rng.standard_normal((m, d)).astype(np.float32)


def rounding_bias(a, b, p):
    """Expected outputs with scmp's thresholds and qmax^2 decode (the product of the represented levels) against the
    quantized product, and the quantized product against the exact one: XNOR then AND."""
    exact, full = a.astype(np.float64) @ b.astype(np.float64).T, 1 << p
    (xa, sa, qmax), (xb, sb, _) = quantize_bipolar(a, p), quantize_bipolar(b, p)
    level = lambda x: (2 * (((x + qmax) * full + qmax) // (2 * qmax)) - full) / full * qmax
    scales = sa[:, None] * sb[None]
    quantized = (xa @ xb.T) * scales
    xnor = (errors(level(xa) @ level(xb).T * scales, quantized)[1], errors(quantized, exact)[1])
    (xa, sa, za, qmax), (xb, sb, zb, _) = quantize_unipolar(a, p), quantize_unipolar(b, p)
    level = lambda x: (2 * x * full + qmax) // (2 * qmax) / full * qmax
    scales = sa[:, None] * sb[None]
    correction = -zb[None] * xa.sum(1)[:, None] - za[:, None] * xb.sum(1)[None] + a.shape[1] * za[:, None] * zb[None]
    quantized = (xa @ xb.T + correction) * scales
    unipolar = (errors((level(xa) @ level(xb).T + correction) * scales, quantized)[1], errors(quantized, exact)[1])
    return xnor, unipolar


def main():
    check = sys.argv[sys.argv.index("--check") + 1] if "--check" in sys.argv else None
    a, b = operands(24, 20, 96)
    print("scmp's rounded thresholds, expected output vs quantized product (quantized vs exact), a 24x96, b 20x96")
    for p in [4, 6, 8]:
        (xnor, bipolar), (anded, unipolar) = rounding_bias(a, b, p)
        print(f"  p{p}: xnor {xnor:.4f} ({bipolar:.4f}), and {anded:.4f} ({unipolar:.4f})")
    for n, m, d in [(24, 20, 96), (16, 24, 512)]:
        a, b = operands(n, m, d)
        exact = a.astype(np.float64) @ b.astype(np.float64).T
        print(f"a {n}x{d}, b {m}x{d}")
        for kernel in ["xnor", "and"]:
            for p, length in [(4, 16), (6, 16), (6, 64), (8, 16), (8, 64), (8, 256)]:
                for name, variant in VARIANTS.items():
                    out, quantized = product(a, b, p, length, kernel == "xnor", variant)
                    (ce, re), (cq, rq) = errors(out, exact), errors(out, quantized)
                    line = f"  {kernel:4s} p{p} L{length:3d} {name:48s} vs exact cos {ce:.4f} rel {re:.4f} | vs quantized rel {rq:.4f}"
                    if check and d == 96 and variant == VARIANTS["current (+ exact thresholds)"]:
                        engine = np.load(f"{check}/{kernel}-{p}-{length}.npy").astype(np.float64)
                        line += f" | engine differs by {np.abs(engine - out).max() / np.abs(out).max():.1e} of max"
                    print(line)


if __name__ == "__main__":
    main()
