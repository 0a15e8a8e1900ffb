#!/usr/bin/python3
"""Golden outputs for the C# quantizers, written independently from docs/quantization.md.

Run with Debian's python3-torch (1.13): /usr/bin/python3 make_quant_reference.py
Writes quant_reference.json (name -> dtype, shape, offset in bytes) and quant_reference.bin (little-endian arrays)
next to this script. float32 arithmetic mirrors the runtime's float32 tensors; searches score and Hessians use float64.
"""
import json
import os

import numpy as np
import torch

torch.manual_seed(20240611)
HERE = os.path.dirname(os.path.abspath(__file__))
arrays = {}


def put(name, t):
    arrays[name] = t.detach().cpu().numpy() if torch.is_tensor(t) else np.asarray(t)


# ---- Q-DiT "max" grid, one group per row of a [groups, g] view ---------------------------------------------------------
def qdit_params(x, bits, sym, clip=1.0):
    if sym:
        qmax = 2 ** (bits - 1) - 1
        m = x.abs().amax(dim=1, keepdim=True).clamp(min=1e-5)
        if clip < 1.0:
            m = m * torch.tensor(clip, dtype=torch.float32)
        s = m / qmax
        return s, torch.zeros_like(s), -(2 ** (bits - 1)), qmax
    qmax = 2 ** bits - 1
    hi = x.amax(dim=1, keepdim=True)
    lo = x.amin(dim=1, keepdim=True)
    if clip < 1.0:
        c = torch.tensor(clip, dtype=torch.float32)
        hi, lo = hi * c, lo * c
    s = (hi - lo).clamp(min=1e-5) / qmax
    z = torch.clamp(torch.round(-lo / s), 0, qmax)
    return s, z, 0, qmax


def fake(x, s, z, lo, hi):
    return s * (torch.clamp(torch.round(x / s) + z, lo, hi) - z)


def group_view(w, gran, g):
    if gran == "pt":
        return w.reshape(1, -1)
    if gran == "pc":
        return w.reshape(w.shape[0], -1)
    return w.reshape(-1, g)


def rtn(w, bits, sym, gran, g=0):
    v = group_view(w, gran, g)
    return fake(v, *qdit_params(v, bits, sym)).reshape(w.shape)


def score(v, q):
    return ((v - q).abs().double() ** 2.4).mean(dim=1)


def mse(w, bits, sym, gran, g=0):
    v = group_view(w, gran, g)
    best_q = fake(v, *qdit_params(v, bits, sym))
    best = score(v, best_q)
    for i in range(1, 100):
        f = float(np.float32(1.0 - 0.001 * i))
        q = fake(v, *qdit_params(v, bits, sym, f))
        sc = score(v, q)
        better = sc < best
        best = torch.where(better, sc, best)
        best_q = torch.where(better.unsqueeze(1), q, best_q)
    return best_q.reshape(w.shape)


# ---- Qua2SeDiMo UAQ and k-means --------------------------------------------------------------------------------------
def uaq(w, bits, sym):
    best_q, best = None, None
    for k in range(10):
        f = float(np.float32((10 - k) / 10))
        if sym:
            q = fake(w, *qdit_params(w, bits, True, f))
        else:
            top = 2 ** bits - 1
            c = torch.tensor(f, dtype=torch.float32)
            hi, lo = w.amax(dim=1, keepdim=True) * c, w.amin(dim=1, keepdim=True) * c
            step = (hi - lo).clamp(min=1e-5) / top
            q = fake(w, step, torch.round(-lo / step), 0, top)
        sc = score(w, q)
        if best is None:
            best, best_q = sc, q
        else:
            better = sc < best
            best = torch.where(better, sc, best)
            best_q = torch.where(better.unsqueeze(1), q, best_q)
    return best_q


def kmeans_1d(values, bits):
    """Lloyd with quantile init; sorted scan, a value moves up only when strictly nearer; float64 means."""
    vals = [float(v) for v in values]
    n = len(vals)
    k = min(2 ** bits, n)
    order = sorted(range(n), key=lambda i: (vals[i], i))
    xs = [vals[i] for i in order]
    cent = [xs[int((i + 0.5) * n / k)] for i in range(k)]
    assign = [-1] * n
    for _ in range(100):
        cent.sort()
        changed, p = False, 0
        for i, x in enumerate(xs):
            while p + 1 < k and abs(x - cent[p + 1]) < abs(x - cent[p]):
                p += 1
            if assign[i] != p:
                assign[i], changed = p, True
        if not changed:
            break
        sums, counts = [0.0] * k, [0] * k
        for i, x in enumerate(xs):
            sums[assign[i]] += x
            counts[assign[i]] += 1
        cent = [sums[c] / counts[c] if counts[c] else cent[c] for c in range(k)]
    out = [0.0] * n
    for i, j in enumerate(order):
        out[j] = float(np.float32(cent[assign[i]]))
    return out


def kmeans_rows(w, bits):
    return torch.tensor([kmeans_1d(r, bits) for r in w.tolist()], dtype=torch.float32)


# ---- GPTQ -----------------------------------------------------------------------------------------------------------
def gptq_params(x, bits, sym):
    maxq = 2 ** bits - 1
    zero = torch.zeros(x.shape[0])
    xmin = torch.minimum(x.amin(dim=1), zero)
    xmax = torch.maximum(x.amax(dim=1), zero)
    if sym:
        xmax = torch.maximum(xmin.abs(), xmax)
        xmin = torch.where(xmin < 0, -xmax, xmin)
    both = (xmin == 0) & (xmax == 0)
    xmin = torch.where(both, torch.full_like(xmin, -1), xmin)
    xmax = torch.where(both, torch.full_like(xmax, 1), xmax)
    s = (xmax - xmin) / maxq
    z = torch.full_like(s, (maxq + 1) / 2) if sym else torch.round(-xmin / s)
    return s, z, maxq


def gptq(w, h, bits, sym, group, blocksize=128):
    w = w.clone()
    rows, cols = w.shape
    h = h.clone()
    s, z, maxq = gptq_params(w, bits, sym)
    dead = torch.diag(h) == 0
    h[dead, dead] = 1
    w[:, dead] = 0
    h += 0.01 * torch.mean(torch.diag(h)) * torch.eye(cols, dtype=torch.float64)
    u = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(h)), upper=True).float()
    q_all = torch.zeros_like(w)
    for i1 in range(0, cols, blocksize):
        i2 = min(i1 + blocksize, cols)
        w1 = w[:, i1:i2].clone()
        err = torch.zeros_like(w1)
        for i in range(i2 - i1):
            if group > 0 and (i1 + i) % group == 0:
                s, z, maxq = gptq_params(w[:, i1 + i:i1 + i + group], bits, sym)
            col = w1[:, i]
            q = s * (torch.clamp(torch.round(col / s) + z, 0, maxq) - z)
            q_all[:, i1 + i] = q
            e = (col - q) / u[i1 + i, i1 + i]
            w1[:, i:] -= e.unsqueeze(1) * u[i1 + i, i1 + i:i2].unsqueeze(0)
            err[:, i] = e
        w[:, i2:] -= err.matmul(u[i1:i2, i2:])
    return q_all


# ---- smoothing (SmoothQuant and DiTAS) -------------------------------------------------------------------------------
def smooth_scales(a, w, alpha, eps):
    a = np.maximum(a.astype(np.float64), np.float64(np.float32(eps)))
    wm = np.maximum(np.abs(w).max(axis=0).astype(np.float64), np.float64(np.float32(eps)))
    return np.maximum(a ** alpha / wm ** (1 - alpha), np.float64(np.float32(eps))).astype(np.float32)


def main():
    w = torch.randn(8, 64)
    w[2, 5] = 6.0
    w[5] = w[5].abs()  # an all-positive row exercises the clamped zero point
    put("w", w)
    for bits in (2, 3, 4, 8):
        for sym in (True, False):
            tag = "sym" if sym else "asym"
            put(f"rtn/{tag}/{bits}/pt", rtn(w, bits, sym, "pt"))
            put(f"rtn/{tag}/{bits}/pc", rtn(w, bits, sym, "pc"))
            put(f"rtn/{tag}/{bits}/g16", rtn(w, bits, sym, "g", 16))
    for sym in (True, False):
        tag = "sym" if sym else "asym"
        put(f"mse/{tag}/4/pc", mse(w, 4, sym, "pc"))
        put(f"mse/{tag}/3/g16", mse(w, 3, sym, "g", 16))
        put(f"uaq/{tag}/3/pc", uaq(w, 3, sym))
    put("kmeansc/3", kmeans_rows(w, 3))
    put("kmeansa/3", torch.tensor(kmeans_1d(w.reshape(-1).tolist(), 3), dtype=torch.float32).reshape(w.shape))

    x = torch.randn(12, 64)
    x[:, 7] *= 20.0
    x[3] += 2.0
    put("x", x)
    for bits in (4, 8, 16):
        for sym in (True, False):
            tag = "sym" if sym else "asym"
            put(f"act/{tag}/{bits}/tok", rtn(x, bits, sym, "pc"))
            put(f"act/{tag}/{bits}/pt", rtn(x, bits, sym, "pt"))
            put(f"act/{tag}/{bits}/g16", rtn(x, bits, sym, "g", 16))

    # static ranges: EMA 0.9/0.1 of per-batch min/max in float32
    batches = [torch.randn(6, 64) * (1 + b) + 0.5 * b for b in range(3)]
    lo, hi = None, None
    for i, b in enumerate(batches):
        put(f"static/batch{i}", b)
        if lo is None:
            lo, hi = b.min(), b.max()
        else:
            lo = torch.tensor(0.9, dtype=torch.float32) * lo + torch.tensor(0.1, dtype=torch.float32) * b.min()
            hi = torch.tensor(0.9, dtype=torch.float32) * hi + torch.tensor(0.1, dtype=torch.float32) * b.max()
    put("static/range", torch.stack([lo, hi]))
    s = (hi - lo).clamp(min=1e-5) / 255
    z = torch.clamp(torch.round(-lo / s), 0, 255)
    put("static/x", fake(x, s, z, 0, 255))

    # GPTQ: Hessian streamed over 3 batches of 2 samples x 8 tokens (H = 2 X^T X / n in float64)
    wg = torch.randn(16, 96)
    wg[:, 10] = 0.0
    put("gptq/w", wg)
    h = torch.zeros(96, 96, dtype=torch.float64)
    n = 0
    for i in range(3):
        inp = torch.randn(16, 96)
        inp[:, 20] = 0.0  # a dead input column
        inp[:, 3] *= 5.0
        put(f"gptq/in{i}", inp)
        m = 2
        h *= n / (n + m)
        n += m
        xd = inp.double()
        h += (2.0 / n) * xd.t().matmul(xd)
    put("gptq/h", h)
    put("gptq/asym4_g32", gptq(wg, h, 4, False, 32))
    put("gptq/asym4_pc", gptq(wg, h, 4, False, 0))
    put("gptq/sym4_g32", gptq(wg, h, 4, True, 32))
    put("gptq/asym3_g48_b32", gptq(wg, h, 3, False, 48, blocksize=32))

    # SmoothQuant scales and the DiTAS alpha search with 8-bit per-tensor asymmetric activations
    act = x.abs().amax(dim=0).numpy()
    put("smooth/s05", smooth_scales(act, w.numpy(), 0.5, 1e-5))
    put("smooth/s085", smooth_scales(act, w.numpy(), 0.85, 1e-5))
    steps = [torch.randn(10, 64) * torch.linspace(0.5, 3, 64) for _ in range(3)]
    for t in steps:
        t[:, 11] *= 15.0
    for i, t in enumerate(steps):
        put(f"ditas/x{i}", t)
    a = np.maximum(np.max([t.abs().amax(dim=0).numpy() for t in steps], axis=0), np.float32(1e-4))
    qw = rtn(w, 4, False, "pc")
    alphas = [min(0.05 * k, 1.0) for k in range(21)]
    losses = []
    for al in alphas:
        sc = torch.from_numpy(smooth_scales(a, qw.numpy(), al, 1e-4))
        loss = 0.0
        for t in steps:
            ref = t.matmul(w.t())
            xs = rtn(t / sc, 8, False, "pt")
            loss += float(((ref - xs.matmul((qw * sc).t())).double() ** 2).mean())
        losses.append(loss)
    put("ditas/losses", np.array(losses, dtype=np.float64))

    # truncated SVD and DiTAS low-rank compensation with exact SVDs; rtn asym 4-bit per-channel inside
    e = torch.randn(24, 40) * torch.linspace(3, 0.2, 40)
    put("svd/e", e)
    sv = torch.linalg.svdvals(e.double())
    put("svd/residual4", torch.sqrt((sv[4:] ** 2).sum()).reshape(1))
    wl = torch.randn(32, 48)
    put("lowrank/w", wl)
    lr = torch.zeros_like(wl)
    for _ in range(10):
        q = rtn(wl - lr, 4, False, "pc")
        u, sv, vh = torch.linalg.svd((wl - q).double(), full_matrices=False)
        root = torch.sqrt(sv[:6])
        lr = ((u[:, :6] * root) @ (root.unsqueeze(1) * vh[:6])).float()
    put("lowrank/error", (torch.norm((wl - q - lr).double()) / torch.norm(wl.double())).reshape(1))

    index, blob = {}, bytearray()
    for name, arr in arrays.items():
        arr = np.ascontiguousarray(arr)
        dtype = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64"}[arr.dtype]
        index[name] = {"dtype": dtype, "shape": list(arr.shape), "offset": len(blob)}
        blob += arr.astype(arr.dtype.newbyteorder("<")).tobytes()
    with open(os.path.join(HERE, "quant_reference.bin"), "wb") as f:
        f.write(blob)
    with open(os.path.join(HERE, "quant_reference.json"), "w") as f:
        json.dump(index, f, indent=0, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
