"""Writes tiny_dit.safetensors, the float checkpoint tiny_export.safetensors was exported from (not committed):
the tiny DiT of tiny_export.qrecipe (depth 2, hidden 32, 2 heads, patch 2, latent 8, 10 classes) with seeded
uniform weights of scale 1/sqrt(fan-in) and biases within +-0.1. Regenerate the committed files with

    /usr/bin/python3 make_tiny_checkpoint.py
    qrecipe export-model tiny_export.qrecipe --checkpoint tiny_dit.safetensors --out tiny_export.safetensors --force
    /usr/bin/python3 ../../../../docs/scripts/read_qrecipe_model.py tiny_export.safetensors --json tiny_export.golden.json
"""
import json
import struct

import numpy as np

d, p, c, classes, depth, tokens = 32, 2, 4, 10, 2, 16
shapes = [("x_embedder.proj.weight", [d, c, p, p]), ("x_embedder.proj.bias", [d]),
          ("t_embedder.mlp.0.weight", [d, 256]), ("t_embedder.mlp.0.bias", [d]),
          ("t_embedder.mlp.2.weight", [d, d]), ("t_embedder.mlp.2.bias", [d]),
          ("y_embedder.embedding_table.weight", [classes + 1, d])]
for i in range(depth):
    b = f"blocks.{i}."
    shapes += [(b + "attn.qkv.weight", [3 * d, d]), (b + "attn.qkv.bias", [3 * d]),
               (b + "attn.proj.weight", [d, d]), (b + "attn.proj.bias", [d]),
               (b + "mlp.fc1.weight", [4 * d, d]), (b + "mlp.fc1.bias", [4 * d]),
               (b + "mlp.fc2.weight", [d, 4 * d]), (b + "mlp.fc2.bias", [d]),
               (b + "adaLN_modulation.1.weight", [6 * d, d]), (b + "adaLN_modulation.1.bias", [6 * d])]
shapes += [("final_layer.linear.weight", [p * p * 2 * c, d]), ("final_layer.linear.bias", [p * p * 2 * c]),
           ("final_layer.adaLN_modulation.1.weight", [2 * d, d]), ("final_layer.adaLN_modulation.1.bias", [2 * d])]

rng = np.random.default_rng(5)
header, blobs, offset = {}, [], 0
for name, shape in shapes:
    scale = 0.1 if len(shape) == 1 else 1 / np.sqrt(np.prod(shape[1:]))
    values = ((2 * rng.random(int(np.prod(shape))) - 1) * scale).astype("<f4")
    header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + values.nbytes]}
    blobs.append(values.tobytes())
    offset += values.nbytes
text = json.dumps(header).encode()
with open("tiny_dit.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
