"""Generates embeddings.json, the golden values for the positional and timestep embedding tests.

Run once with Debian's interpreter and python3-torch (CI does not need torch):
    /usr/bin/python3 make_embeddings.py > embeddings.json
The formulas are those of docs/dit.md (positional table: numpy float64, cast to float32; timestep features: torch
float32), written independently of the DiT sources."""
import json
import math

import numpy as np
import torch


def one_d(width, positions):
    quarter = width // 2  # width is D/2 here, so this is D/4
    omega = 1.0 / 10000 ** (np.arange(quarter, dtype=np.float64) / quarter)
    args = np.outer(positions.astype(np.float64), omega)
    return np.concatenate([np.sin(args), np.cos(args)], axis=1)


def sincos_2d(width, grid):
    rows, cols = np.meshgrid(np.arange(grid), np.arange(grid), indexing="ij")
    first = one_d(width // 2, cols.reshape(-1))   # column (x) coordinate first
    second = one_d(width // 2, rows.reshape(-1))  # then the row (y) coordinate
    return np.concatenate([first, second], axis=1).astype(np.float32)


def timestep(t, width, max_period=10000):
    half = width // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if width % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
    return emb


def entry(array, **meta):
    return dict(meta, shape=list(array.shape), values=[float(v) for v in np.asarray(array).reshape(-1)])


t = torch.tensor([0.0, 1.0, 2.5, 500.0, 999.0])
print(json.dumps({
    "positional": [entry(sincos_2d(16, 4), grid=4, width=16), entry(sincos_2d(24, 3), grid=3, width=24)],
    "timestep": [entry(timestep(t, 32).numpy(), width=32), entry(timestep(t, 7).numpy(), width=7),
                 entry(timestep(t, 256).numpy(), width=256)],
    "timesteps": t.tolist(),
}, indent=None))
