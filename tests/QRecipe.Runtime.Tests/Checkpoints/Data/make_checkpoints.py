#!/usr/bin/python3
"""Writes the small checkpoints the checkpoint-reader tests read, and the values they must produce.

Run once with Debian's python3-torch (`/usr/bin/python3 make_checkpoints.py` in this folder); the outputs are
committed so CI never needs torch. Safetensors files are written by hand (struct + json) so the safetensors
package is not needed. The malicious pickles are assembled from raw opcodes and never unpickled here.
"""
import io
import json
import os
import struct
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
# Tiny DiT: depth 2, hidden 32, heads 2, patch 2, latent 8 (16 tokens), 10 classes, 4 in channels, learn sigma.
DEPTH, HIDDEN, PATCH, LATENT, CLASSES, IN_CH = 2, 32, 2, 8, 10, 4
OUT_CH = 2 * IN_CH
TOKENS = (LATENT // PATCH) ** 2
FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # zip entries written here carry no timestamp, so reruns give identical files


def dit_shapes():
    d = HIDDEN
    shapes = [
        ("pos_embed", (1, TOKENS, d)),
        ("x_embedder.proj.weight", (d, IN_CH, PATCH, PATCH)),
        ("x_embedder.proj.bias", (d,)),
        ("t_embedder.mlp.0.weight", (d, 256)),
        ("t_embedder.mlp.0.bias", (d,)),
        ("t_embedder.mlp.2.weight", (d, d)),
        ("t_embedder.mlp.2.bias", (d,)),
        ("y_embedder.embedding_table.weight", (CLASSES + 1, d)),
    ]
    for i in range(DEPTH):
        b = f"blocks.{i}."
        shapes += [
            (b + "attn.qkv.weight", (3 * d, d)), (b + "attn.qkv.bias", (3 * d,)),
            (b + "attn.proj.weight", (d, d)), (b + "attn.proj.bias", (d,)),
            (b + "mlp.fc1.weight", (4 * d, d)), (b + "mlp.fc1.bias", (4 * d,)),
            (b + "mlp.fc2.weight", (d, 4 * d)), (b + "mlp.fc2.bias", (d,)),
            (b + "adaLN_modulation.1.weight", (6 * d, d)), (b + "adaLN_modulation.1.bias", (6 * d,)),
        ]
    shapes += [
        ("final_layer.linear.weight", (PATCH * PATCH * OUT_CH, d)), ("final_layer.linear.bias", (PATCH * PATCH * OUT_CH,)),
        ("final_layer.adaLN_modulation.1.weight", (2 * d, d)), ("final_layer.adaLN_modulation.1.bias", (2 * d,)),
    ]
    return shapes


def dit_state_dict():
    g = torch.Generator().manual_seed(1234)
    sd = torch.nn.Module().state_dict()  # an OrderedDict with _metadata, as model.state_dict() produces
    for name, shape in dit_shapes():
        sd[name] = torch.randn(shape, generator=g) * 0.5
    return sd


def to_diffusers(sd):
    """The diffusers layout (docs/checkpoints.md, "Key layouts"): the per-block embedder copies and the q/k/v split."""
    d = HIDDEN
    out = {
        "pos_embed.proj.weight": sd["x_embedder.proj.weight"],
        "pos_embed.proj.bias": sd["x_embedder.proj.bias"],
        "proj_out_1.weight": sd["final_layer.adaLN_modulation.1.weight"],
        "proj_out_1.bias": sd["final_layer.adaLN_modulation.1.bias"],
        "proj_out_2.weight": sd["final_layer.linear.weight"],
        "proj_out_2.bias": sd["final_layer.linear.bias"],
    }
    for i in range(DEPTH):
        s, t = f"blocks.{i}.", f"transformer_blocks.{i}."
        for p in ("weight", "bias"):
            out[t + f"norm1.emb.timestep_embedder.linear_1.{p}"] = sd[f"t_embedder.mlp.0.{p}"]
            out[t + f"norm1.emb.timestep_embedder.linear_2.{p}"] = sd[f"t_embedder.mlp.2.{p}"]
            out[t + f"norm1.linear.{p}"] = sd[s + f"adaLN_modulation.1.{p}"]
            qkv = sd[s + f"attn.qkv.{p}"]
            out[t + f"attn1.to_q.{p}"] = qkv[0:d]
            out[t + f"attn1.to_k.{p}"] = qkv[d:2 * d]
            out[t + f"attn1.to_v.{p}"] = qkv[2 * d:3 * d]
            out[t + f"attn1.to_out.0.{p}"] = sd[s + f"attn.proj.{p}"]
            out[t + f"ff.net.0.proj.{p}"] = sd[s + f"mlp.fc1.{p}"]
            out[t + f"ff.net.2.{p}"] = sd[s + f"mlp.fc2.{p}"]
        out[t + "norm1.emb.class_embedder.embedding_table.weight"] = sd["y_embedder.embedding_table.weight"]
    return out


SAFETENSORS_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}


def save_safetensors(tensors, path):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        t = t.contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the format pads the header with spaces to an 8-byte boundary
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def expected(tensors):
    """Independent numbers per key: shape, float64 sums of the float32 values (plain and position-weighted, so a
    permutation is caught) and the first values in logical (row-major) order."""
    out = {}
    for name, t in tensors.items():
        flat = t.float().reshape(-1).double()
        weights = (torch.arange(flat.numel(), dtype=torch.float64) % 7) + 1
        out[name] = {"shape": list(t.shape), "sum": flat.sum().item(),
                     "weighted_sum": (flat * weights).sum().item(), "first": flat[:8].tolist()}
    return out


def save_big_endian(tensors, path):
    """Saves float32 tensors as a big-endian machine would: storages byte-swapped and a "big" byteorder entry."""
    buffer = io.BytesIO()
    torch.save(tensors, buffer)
    prefix = "dit_tiny_f32_bigendian/"
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            name = info.filename.split("/", 1)[1]
            if name == "byteorder":
                continue
            data = zin.read(info.filename)
            if name.startswith("data/"):
                words = struct.unpack(f"<{len(data) // 4}f", data)
                data = struct.pack(f">{len(words)}f", *words)
            zout.writestr(zipfile.ZipInfo(prefix + name, FIXED_DATE), data)
        zout.writestr(zipfile.ZipInfo(prefix + "byteorder", FIXED_DATE), b"big")


def torch_zip_with_pickle(path, pickle_bytes):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(zipfile.ZipInfo("archive/data.pkl", FIXED_DATE), pickle_bytes)
        z.writestr(zipfile.ZipInfo("archive/byteorder", FIXED_DATE), b"little")
        z.writestr(zipfile.ZipInfo("archive/version", FIXED_DATE), b"3\n")


def main():
    values = {}
    sd = dit_state_dict()
    torch.save(sd, os.path.join(HERE, "dit_tiny_f32.pt"))
    values["dit_tiny_f32.pt"] = expected(sd)

    for dtype, file in ((torch.float16, "dit_tiny_f16.pt"), (torch.bfloat16, "dit_tiny_bf16.pt")):
        low = type(sd)((k, v.to(dtype)) for k, v in sd.items())
        torch.save(low, os.path.join(HERE, file))
        values[file] = expected(low)

    # DiT layout as safetensors with mixed dtypes: float32 weights, float16 biases, bfloat16 embeddings.
    mixed = {}
    for k, v in sd.items():
        mixed[k] = v.to(torch.float16) if k.endswith(".bias") else v.to(torch.bfloat16) if "embed" in k else v
    save_safetensors(mixed, os.path.join(HERE, "dit_tiny.safetensors"))
    values["dit_tiny.safetensors"] = expected(mixed)

    diffusers = {k: v.to(torch.float16) for k, v in to_diffusers(sd).items()}
    save_safetensors(diffusers, os.path.join(HERE, "dit_tiny_diffusers.safetensors"))
    values["dit_tiny_diffusers.safetensors"] = expected(diffusers)
    # What the DiT-layout view of the diffusers file must read as (pos_embed is not stored by diffusers).
    values["dit_tiny_diffusers.safetensors:dit"] = expected(
        {k: v.to(torch.float16) for k, v in sd.items() if k != "pos_embed"})

    g = torch.Generator().manual_seed(99)
    base = torch.randn(6, 5, generator=g)
    cube = torch.randn(3, 4, 5, generator=g)
    views = {
        "transposed": base.t(),                   # strides (1, 5)
        "offset_rows": base[2:],                  # storage offset 10, shares base's storage
        "column": base[:, 3],                     # offset 3, stride (5,)
        "permuted": cube.permute(2, 0, 1)[1:, :, ::2],  # offset, permuted and stepped strides
        "half_transposed": base.to(torch.float16).t(),
        "scalar": torch.tensor(2.5),
        "parameter": torch.nn.Parameter(torch.randn(2, 3, generator=g)),  # saved via _rebuild_parameter
    }
    torch.save(views, os.path.join(HERE, "views.pt"))
    values["views.pt"] = expected(views)

    big = {k: sd[k] for k in ("pos_embed", "x_embedder.proj.weight", "final_layer.linear.bias")}
    big["transposed"] = base.t()
    save_big_endian(big, os.path.join(HERE, "dit_tiny_f32_bigendian.pt"))
    values["dit_tiny_f32_bigendian.pt"] = expected(big)

    torch.save({"w": base}, os.path.join(HERE, "legacy.pt"), _use_new_zipfile_serialization=False)

    # REDUCE of posix.system("echo pwned") and of builtins.eval: assembled by hand, never unpickled.
    torch_zip_with_pickle(os.path.join(HERE, "malicious_system.pt"),
                          b"\x80\x02cposix\nsystem\nq\x00X\x0b\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03.")
    torch_zip_with_pickle(os.path.join(HERE, "malicious_eval.pt"),
                          b"\x80\x02cbuiltins\neval\nX\x0d\x00\x00\x00print('pwned')\x85R.")

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(values, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
