"""Reference outputs of the bundled DiT for the .NET tests, computed by the PyTorch model of training/dit_model.py in
float64 from the shipped safetensors weights: a plain forward and a guided one (the one eps channel guided, the
variance channel from the conditional branch) on seeded inputs.

    /usr/bin/python3 training/make_fmnist_reference.py models/fmnist-dit/fmnist-dit.safetensors \
        tests/QRecipe.Runtime.Tests/Dit/Data/fmnist_reference.npz
"""
import json
import struct
import sys

import numpy as np
import torch

from dit_model import DiT
from train_dit import ARCH


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    base = 8 + n
    return {k: torch.from_numpy(np.frombuffer(data[base + v["data_offsets"][0]:base + v["data_offsets"][1]], dtype=np.float32)
                                .reshape(v["shape"]).copy()) for k, v in header.items()}


def main():
    weights, out = sys.argv[1], sys.argv[2]
    model = DiT(**ARCH).double().eval()
    model.load_state_dict({k: v.double() for k, v in read_safetensors(weights).items()})
    rng = np.random.default_rng(28)
    x = rng.standard_normal((3, 1, 28, 28)).astype(np.float32)
    t = np.array([999, 500, 20], dtype=np.float32)
    y = np.array([0, 7, 9], dtype=np.int64)
    scale = 4.0
    with torch.no_grad():
        xt, tt = torch.from_numpy(x).double(), torch.from_numpy(t).double()
        cond = model(xt, tt, torch.from_numpy(y))
        uncond = model(xt, tt, torch.full_like(torch.from_numpy(y), ARCH["num_classes"]))
    guided = cond.clone()
    guided[:, :1] = uncond[:, :1] + scale * (cond[:, :1] - uncond[:, :1])
    np.savez(out, x=x, t=t, y=y, scale=np.float32(scale), forward=cond.numpy(), forward_cfg=guided.numpy())
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
