"""Trains the Fashion-MNIST classifier that QRecipe's quality metrics run (class accuracy, FID on its penultimate
features, Inception-style score on its logits) and exports it to ONNX.

Input  "image":    float32 [N, 1, 28, 28], pixels in [-1, 1] (the diffusion model's range).
Output "logits":   float32 [N, 10].
Output "features": float32 [N, 128], the penultimate layer (after its ReLU), used for FID.
Output "spatial":  float32 [N, 7, 7, 7], the first 7 channels of the last 7 x 7 map (after the second max-pool), used
                   for sFID (export_classifier.py re-exports a trained checkpoint with it).

    /usr/bin/python3 training/train_classifier.py --out models/fmnist-classifier
"""
import argparse
import json
import os
import time

import numpy as np
import torch
from torch import nn

import fmnist_data

FEATURES = 128


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Dropout(0.3), nn.Linear(64 * 7 * 7, FEATURES), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(FEATURES, 10))

    def forward(self, x):
        features = self.body(x)
        return self.head(features), features


def evaluate(model, data, labels):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(data), 1000):
            logits, _ = model(data[i:i + 1000])
            correct += (logits.argmax(1) == labels[i:i + 1000]).sum().item()
    return correct / len(data)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)

    train_x, train_y = fmnist_data.load("train")
    test_x, test_y = fmnist_data.load("t10k")
    train_x, test_x = torch.from_numpy(fmnist_data.to_model_range(train_x)), torch.from_numpy(fmnist_data.to_model_range(test_x))
    train_y, test_y = torch.from_numpy(train_y), torch.from_numpy(test_y)

    model = Classifier()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=args.epochs * (len(train_x) // 128))
    gen = torch.Generator().manual_seed(args.seed)
    log = []
    start = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(train_x), generator=gen)
        total = 0.0
        for b in range(len(train_x) // 128):
            idx = order[b * 128:(b + 1) * 128]
            x = train_x[idx]
            flip = torch.rand(len(idx), generator=gen) < 0.5
            x = torch.where(flip.view(-1, 1, 1, 1), x.flip(3), x)
            logits, _ = model(x)
            loss = nn.functional.cross_entropy(logits, train_y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        acc = evaluate(model, test_x, test_y)
        log.append(dict(epoch=epoch, loss=total / (len(train_x) // 128), test_accuracy=acc, wall_s=time.time() - start))
        print(json.dumps(log[-1]), flush=True)

    model.eval()
    torch.save(model.state_dict(), os.path.join(args.out, "classifier.pt"))
    onnx_path = os.path.join(args.out, "fmnist-classifier.onnx")
    export_onnx(model, onnx_path)
    with open(os.path.join(args.out, "training-log.json"), "w") as f:
        json.dump(dict(seed=args.seed, epochs=args.epochs, log=log), f, indent=1)
    print(f"wrote {onnx_path}; test accuracy {log[-1]['test_accuracy']:.4f}")
    write_reference_statistics(model, test_x, os.path.join(args.out, "fmnist-test-stats.npz"))


# The body's layers up to and including the second max-pool: their output is the 64 x 7 x 7 map sFID reads.
SPATIAL_LAYERS = 14
SPATIAL_CHANNELS = 7


class Exported(nn.Module):
    """The classifier with a third output: the first SPATIAL_CHANNELS channels of its last spatial map (as ADM's
    evaluator keeps the first 7 channels of Inception's mixed_6/conv). The logits and features path runs the same
    layers in the same order as Classifier.forward."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        spatial_map = self.model.body[:SPATIAL_LAYERS](x)
        features = self.model.body[SPATIAL_LAYERS:](spatial_map)
        return self.model.head(features), features, spatial_map[:, :SPATIAL_CHANNELS]


def export_onnx(model, onnx_path):
    model.eval()
    torch.onnx.export(Exported(model), torch.zeros(1, 1, 28, 28), onnx_path, opset_version=17,
                      input_names=["image"], output_names=["logits", "features", "spatial"],
                      dynamic_axes={"image": {0: "n"}, "logits": {0: "n"}, "features": {0: "n"}, "spatial": {0: "n"}})


def third_neighbour(x, chunk=250):
    """Squared distance from each row to its third nearest other row (the row itself sorts first at distance 0)."""
    radii = np.empty(len(x))
    for i in range(0, len(x), chunk):
        d = ((x[i:i + chunk, None, :] - x[None, :, :]) ** 2).sum(-1)
        radii[i:i + chunk] = np.partition(d, 3, axis=1)[:, 3]
    return radii


def write_reference_statistics(model, test_x, path):
    """The reference the evaluation compares generated samples against, from the 10,000 test images (docs/evaluation.md):
    mean and covariance (float64, divisor N - 1) of the penultimate features (mu, sigma) and of the flattened spatial
    features (mu_s, sigma_s), the penultimate features themselves (features, float32), which precision and recall
    need, and each feature row's squared distance to its third nearest other row (radii_k3, float64: the reference
    manifold of precision)."""
    exported = Exported(model).eval()
    with torch.no_grad():
        outputs = [exported(test_x[i:i + 1000]) for i in range(0, len(test_x), 1000)]
    features = torch.cat([o[1] for o in outputs]).numpy()
    spatial = torch.cat([o[2] for o in outputs]).flatten(1).double().numpy()
    wide = features.astype(np.float64)
    np.savez(path, mu=wide.mean(axis=0), sigma=np.cov(wide, rowvar=False),
             mu_s=spatial.mean(axis=0), sigma_s=np.cov(spatial, rowvar=False), features=features, radii_k3=third_neighbour(wide))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
