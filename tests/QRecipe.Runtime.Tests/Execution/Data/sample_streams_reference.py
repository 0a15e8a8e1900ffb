"""Independent reference of the per-sample random numbers of docs/cluster.md, written from that text alone.

Writes sample_streams_reference.json: for a few (seed, sample) pairs, the first normals of the initial noise and of
one step's noise (float32 values as their bit patterns) and the label for 10 and 1000 classes.
Run: python3 sample_streams_reference.py (plain Python, no packages).
"""
import json
import math
import struct

MASK = 0xFFFFFFFF


def philox(counter, seed):
    """Philox4x32-10 of a 128-bit counter (four words) under the 64-bit key `seed`."""
    c0, c1, c2, c3 = counter
    k0, k1 = seed & MASK, seed >> 32
    for round_ in range(10):
        if round_:
            k0 = (k0 + 0x9E3779B9) & MASK
            k1 = (k1 + 0xBB67AE85) & MASK
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & MASK, p1 & MASK, ((p0 >> 32) ^ c3 ^ k1) & MASK, p0 & MASK
    return c0, c1, c2, c3


def block(seed, stream, b):
    return philox((b & MASK, b >> 32, stream & MASK, stream >> 32), seed)


def uniform53(high, low):
    return ((high >> 5) * (1 << 26) + (low >> 6)) * 2.0 ** -53


def float32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def normals(seed, stream, count):
    values = []
    for b in range((count + 1) // 2):
        x0, x1, x2, x3 = block(seed, stream, b)
        u, v = uniform53(x0, x1), uniform53(x2, x3)
        r = math.sqrt(-2.0 * math.log(1.0 - u))
        values += [r * math.cos(2 * math.pi * v), r * math.sin(2 * math.pi * v)]
    return [float32_bits(v) for v in values[:count]]


def label(seed, stream, classes):
    limit = MASK - ((MASK % classes) + 1) % classes
    b = 0
    while True:
        for word in block(seed, stream, b):
            if word <= limit:
                return word % classes
        b += 1


def sample_streams(seed, n):
    base = n * 2 ** 24
    return {
        "seed": seed,
        "sample": n,
        "initial": normals(seed, base, 9),
        "step": 3,
        "step_noise": normals(seed, base + 1 + 3, 9),
        "label_10": label(seed, base + 2 ** 24 - 1, 10),
        "label_1000": label(seed, base + 2 ** 24 - 1, 1000),
    }


cases = [sample_streams(seed, n) for seed, n in [(0, 0), (0, 1), (7, 12345), (2 ** 64 - 1, 2 ** 31 - 1)]]
with open("sample_streams_reference.json", "w") as f:
    json.dump(cases, f, indent=1)
