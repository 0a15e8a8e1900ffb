"""Fashion-MNIST from the Debian package `dataset-fashion-mnist` (idx files, gzip)."""
import gzip
import os
import struct

import numpy as np

DATA_DIR = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def _read_idx(name):
    path = os.path.join(DATA_DIR, name)
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(split):
    """Images as uint8 [N, 28, 28] and labels as int64 [N]; split is 'train' or 't10k'."""
    images = _read_idx(f"{split}-images-idx3-ubyte.gz")
    labels = _read_idx(f"{split}-labels-idx1-ubyte.gz").astype(np.int64)
    return images, labels


def to_model_range(images_uint8):
    """uint8 pixels -> float32 in [-1, 1], shape [N, 1, 28, 28] (the diffusion model's data range)."""
    return (images_uint8.astype(np.float32) / 127.5 - 1.0)[:, None, :, :]
