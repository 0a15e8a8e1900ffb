"""File writers shared by the reference scripts under */Data/ (Debian's /usr/bin/python3 with python3-torch)."""
import json
import struct

import torch


def write_safetensors(path, tensors):
    """Every tensor as float32 in safetensors layout: 8-byte little-endian header length, JSON header padded with
    spaces to a multiple of 8, then the tensors' bytes in order."""
    header, offset, blobs = {}, 0, []
    for name, value in tensors.items():
        data = value.to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(value.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
