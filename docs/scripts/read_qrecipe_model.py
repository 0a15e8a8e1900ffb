#!/usr/bin/env python3
"""Reads a model written by `qrecipe export-model` (docs/export-model.md) with numpy only.

    read_qrecipe_model.py MODEL.safetensors                 # metadata and one line per quantized weight version
    read_qrecipe_model.py MODEL.safetensors --tensor NAME   # dequantize one version (its codes tensor name) and print it
    read_qrecipe_model.py MODEL.safetensors --json OUT.json # checksums and first values of every dequantized version

Dequantization follows the format: b-bit codes are one little-endian bit stream (code i in bits i*b .. i*b+b-1,
least significant bit first; int4: first code in the low nibble); signed codes are stored as code + 2^(b-1);
a uniform version's value is scale * ((stored - offset) - zero) in float32; a codebook version's value is
codebook[group, index]; a low-rank compensated version adds left @ right. Not needed by qrecipe or its tests.
"""
import argparse
import hashlib
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.dtype("<f4"), "U8": np.dtype("u1")}


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack_from("<Q", data, 0)
    if length > len(data) - 8:
        raise ValueError(f"{path}: header of {length} bytes but only {len(data) - 8} follow")
    header = json.loads(data[8:8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    if metadata.get("format") != "qrecipe-quantized-dit":
        raise ValueError(f"{path}: not a qrecipe exported model (format {metadata.get('format')!r})")
    start = 8 + length
    tensors = {}
    for name, entry in header.items():
        dtype = DTYPES[entry["dtype"]]
        begin, end = entry["data_offsets"]
        shape = tuple(entry["shape"])
        if end - begin != int(np.prod(shape, dtype=np.int64)) * dtype.itemsize or start + end > len(data):
            raise ValueError(f"{path}: tensor {name!r} has inconsistent offsets")
        tensors[name] = np.frombuffer(data, dtype=dtype, count=(end - begin) // dtype.itemsize, offset=start + begin).reshape(shape)
    return metadata, json.loads(metadata["layout"]), tensors


def unpack(packed, bits, count):
    """The first `count` codes of an LSB-first bit stream of `bits`-bit codes."""
    stream = np.unpackbits(packed, bitorder="little")[: count * bits].reshape(count, bits).astype(np.int64)
    return (stream << np.arange(bits, dtype=np.int64)).sum(axis=1)


def dequantize(version, tensors):
    rows, cols, bits, group = version["rows"], version["cols"], version["bits"], version["group_length"]
    count = rows * cols
    codes = unpack(tensors[version["codes"]], bits, count)
    groups = np.arange(count) // group
    if version["kind"] == "codebook":
        books = tensors[version["codebook"]]
        values = books[groups, codes]
    else:
        offset = 1 << (bits - 1) if version["signed"] else 0
        scale = tensors[version["scale"]]
        zero = tensors[version["zero"]] if version["zero"] else np.zeros_like(scale)
        signed_codes = (codes - offset).astype(np.float32)
        values = (scale[groups] * (signed_codes - zero[groups])).astype(np.float32)
    values = values.reshape(rows, cols).astype(np.float32)
    if version["rank"]:
        left = tensors[version["low_rank_left"]].astype(np.float64)
        right = tensors[version["low_rank_right"]].astype(np.float64)
        values = (values.astype(np.float64) + left @ right).astype(np.float32)
    return values


def summary(version, values):
    return {
        "layer": version["layer"],
        "steps": version["steps"],
        "setting": version["setting"],
        "low_rank": version["rank"] > 0,
        "sha256_f32": hashlib.sha256(np.ascontiguousarray(values, dtype="<f4").tobytes()).hexdigest(),
        "sum": float(values.astype(np.float64).sum()),
        "first": [float(v) for v in values.reshape(-1)[:8]],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--tensor", help="codes tensor name of one version to dequantize and print")
    parser.add_argument("--json", help="write checksums and first values of every dequantized version here")
    args = parser.parse_args()
    metadata, layout, tensors = read(args.model)
    if args.tensor:
        version = next((v for v in layout["versions"] if v["codes"] == args.tensor), None)
        if version is None:
            sys.exit(f"no version has codes tensor {args.tensor!r}")
        np.set_printoptions(threshold=64, linewidth=120)
        print(dequantize(version, tensors))
        return
    results = [summary(v, dequantize(v, tensors)) for v in layout["versions"]]
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"model": metadata["model"], "recipe_sha256": metadata["recipe_sha256"], "versions": results}, f, indent=1)
            f.write("\n")
        return
    for key in ("format", "format_version", "model", "recipe_name", "recipe_sha256", "checkpoint", "checkpoint_sha256"):
        print(f"{key}: {metadata.get(key)}")
    print(f"{len(tensors)} tensors, {len(layout['versions'])} quantized weight versions, {len(layout['float_weights'])} float weights")
    for r, v in zip(results, layout["versions"]):
        print(f"  {v['layer']:<34} steps {v['steps']:<8} {v['setting']:<34} {v['kind']:<8} sum {r['sum']:+.6f}")


if __name__ == "__main__":
    main()
