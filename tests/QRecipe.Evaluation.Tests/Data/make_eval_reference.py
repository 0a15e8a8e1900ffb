"""Reference values for qrecipe eval, computed independently with numpy/scipy in float64.

    /usr/bin/python3 tests/QRecipe.Evaluation.Tests/Data/make_eval_reference.py

1. Metric level (this folder): eval_reference.json with the Inception-style score of logits_a.npy (ADM's 5000-sample
   splits and 128-sample splits), improved precision/recall (k = 3) of features_b.npy against features_a.npy (the
   feature sets make_reference.py wrote), and the FID of spatial_a.npy against spatial_b.npy (sFID's formula on
   wider features).
2. Command level (tests/QRecipe.Cli.Tests/Eval/Data): a tiny ONNX feature network (exported by torch; every output
   is exact in float32 for 8-bit input), ADM sample and reference files of 8 x 8 images it reads at 16 x 16 (bilinear
   resizing), and eval_golden.json with every metric computed here from the images, without ONNX Runtime.
"""
import json
import os

import numpy as np
import torch
from scipy import linalg

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.path.join(HERE, "..", "..", "QRecipe.Cli.Tests", "Eval", "Data")
rng = np.random.default_rng(20261206)


def fid(a, b):
    """Frechet distance of the Gaussians of two float64 feature sets (unbiased covariance), scipy's sqrtm."""
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = linalg.sqrtm(s_a @ s_b)
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2 * np.trace(covmean))


def inception_score(logits, split):
    """exp(mean KL(p(y|x) || p(y))) per consecutive split, averaged over splits."""
    z = logits - logits.max(1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    scores = []
    for i in range(0, len(p), split):
        part = p[i:i + split]
        kl = (part * (np.log(part) - np.log(part.mean(0, keepdims=True)))).sum(1).mean()
        scores.append(float(np.exp(kl)))
    return float(np.mean(scores)), scores


def squared_distances(x, y):
    return ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)


def precision_recall(reference, samples, k=3):
    """Radius of a point: squared distance to its k-th nearest other point of its own set. Precision: share of samples
    within some reference point's radius; recall: share of reference points within some sample's radius."""
    def radii(x):
        return np.sort(squared_distances(x, x), axis=1)[:, k]  # column 0 is the point itself
    r_ref, r_gen = radii(reference), radii(samples)
    d = squared_distances(reference, samples)  # [ref, sample]
    precision = float((d <= r_ref[:, None]).any(0).mean())
    recall = float((d <= r_gen[None, :]).any(1).mean())
    return precision, recall


def metric_level():
    a = np.load(os.path.join(HERE, "features_a.npy")).astype(np.float64)
    b = np.load(os.path.join(HERE, "features_b.npy")).astype(np.float64)
    logits = (rng.normal(size=(300, 10)) * 2 + np.linspace(0, 1.5, 10)).astype(np.float32)
    np.save(os.path.join(HERE, "logits_a.npy"), logits)
    mix = rng.normal(size=(40, 40)) / np.sqrt(40)
    spatial_a = (rng.normal(size=(320, 40)) @ mix).astype(np.float32)
    spatial_b = (rng.normal(size=(350, 40)) @ (mix + 0.2 * np.eye(40)) + 0.1).astype(np.float32)
    np.save(os.path.join(HERE, "spatial_a.npy"), spatial_a)
    np.save(os.path.join(HERE, "spatial_b.npy"), spatial_b)
    is_adm, splits_adm = inception_score(logits.astype(np.float64), 5000)
    is_128, splits_128 = inception_score(logits.astype(np.float64), 128)
    precision, recall = precision_recall(a, b)
    out = dict(inception_score=is_adm, inception_score_splits=splits_adm, inception_score_128=is_128,
               inception_score_128_splits=splits_128, precision=precision, recall=recall,
               spatial_fid=fid(spatial_a.astype(np.float64), spatial_b.astype(np.float64)))
    with open(os.path.join(HERE, "eval_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(json.dumps(out))


class Tiny(torch.nn.Module):
    """16 x 16 grey input in [0, 255]: pooled = 4 x 4 means (16), spatial = 2 x 2 means (8 x 8), logits = small
    dyadic weights on the pooled features less 128 (5 classes)."""

    def __init__(self, weights):
        super().__init__()
        self.register_buffer("w", torch.from_numpy(weights))

    def forward(self, x):
        pooled = torch.nn.functional.avg_pool2d(x, 4).flatten(1)
        spatial = torch.nn.functional.avg_pool2d(x, 2)
        return pooled, spatial, (pooled - 128) @ self.w


def bilinear_up(images, size):
    """Half-pixel-centre bilinear resize (PyTorch's align_corners=False), written out in numpy."""
    n, h, w = images.shape
    def taps(out, inp):
        src = np.maximum((np.arange(out) + 0.5) * inp / out - 0.5, 0)
        lo = np.minimum(np.floor(src).astype(int), inp - 1)
        hi = np.minimum(lo + 1, inp - 1)
        return lo, hi, src - lo
    y0, y1, ly = taps(size, h)
    x0, x1, lx = taps(size, w)
    img = images.astype(np.float64)
    top = img[:, y0][:, :, x0] * (1 - lx) + img[:, y0][:, :, x1] * lx
    bottom = img[:, y1][:, :, x0] * (1 - lx) + img[:, y1][:, :, x1] * lx
    return top * (1 - ly)[None, :, None] + bottom * ly[None, :, None]


def command_level():
    os.makedirs(CLI, exist_ok=True)
    # Multiples of 1/64: the logits stay exact in float32 and small enough that no softmax term underflows.
    weights = (rng.integers(-3, 4, size=(16, 5)) / 64).astype(np.float32)
    torch.onnx.export(Tiny(weights), torch.zeros(1, 1, 16, 16), os.path.join(CLI, "tiny_features.onnx"),
                      opset_version=17, input_names=["pixels"], output_names=["pooled", "spatial", "logits"],
                      dynamic_axes={"pixels": {0: "n"}, "pooled": {0: "n"}, "spatial": {0: "n"}, "logits": {0: "n"}})
    reference = rng.integers(0, 256, size=(120, 8, 8), dtype=np.uint8)
    samples = np.clip(rng.integers(0, 256, size=(100, 8, 8)) * 0.8 + 40, 0, 255).astype(np.uint8)
    labels = rng.integers(0, 5, size=100)
    np.savez(os.path.join(CLI, "reference.npz"), reference[..., None])
    np.savez(os.path.join(CLI, "samples.npz"), samples[..., None], labels)

    def features(images):
        big = bilinear_up(images, 16)
        pooled = big.reshape(-1, 4, 4, 4, 4).mean((2, 4)).reshape(len(images), 16)
        spatial = big.reshape(-1, 8, 2, 8, 2).mean((2, 4)).reshape(len(images), 64)
        return pooled, spatial, (pooled - 128) @ weights.astype(np.float64)

    ref_pooled, ref_spatial, _ = features(reference)
    pooled, spatial, logits = features(samples)
    score, splits = inception_score(logits, 5000)
    precision, recall = precision_recall(ref_pooled, pooled)
    out = dict(fid=fid(pooled, ref_pooled), sfid=fid(spatial, ref_spatial), inception_score=score, inception_score_splits=splits,
               precision=precision, recall=recall, class_accuracy=float((logits.argmax(1) == labels).mean()))
    with open(os.path.join(CLI, "eval_golden.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(json.dumps(out))


metric_level()
command_level()
