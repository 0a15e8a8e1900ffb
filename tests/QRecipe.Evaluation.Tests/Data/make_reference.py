"""Reference values for the evaluation tests, computed independently with numpy/scipy in float64.

    /usr/bin/python3 tests/QRecipe.Evaluation.Tests/Data/make_reference.py

Writes features_a.npy / features_b.npy (float32 feature rows), images_a.npy / images_b.npy (uint8 28x28 images) and
reference.json (mean, covariance entries, FID via scipy.linalg.sqrtm, PSNR and SSIM per image pair)."""
import json
import os

import numpy as np
from scipy import linalg
from scipy.ndimage import correlate1d

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261205)

# Two feature sets with different means and correlated, anisotropic covariances.
n, d = 300, 24
mix_a = rng.normal(size=(d, d)) / np.sqrt(d)
mix_b = rng.normal(size=(d, d)) / np.sqrt(d) + 0.3 * np.eye(d)
features_a = (rng.normal(size=(n, d)) @ mix_a + 0.5).astype(np.float32)
features_b = (rng.normal(size=(n + 37, d)) @ mix_b - 0.2).astype(np.float32)
np.save(os.path.join(HERE, "features_a.npy"), features_a)
np.save(os.path.join(HERE, "features_b.npy"), features_b)

def stats(f):
    f = f.astype(np.float64)
    return f.mean(axis=0), np.cov(f, rowvar=False)

mu_a, sigma_a = stats(features_a)
mu_b, sigma_b = stats(features_b)
covmean = linalg.sqrtm(sigma_a @ sigma_b)
if np.iscomplexobj(covmean):
    covmean = covmean.real
fid = float(((mu_a - mu_b) ** 2).sum() + np.trace(sigma_a) + np.trace(sigma_b) - 2 * np.trace(covmean))

# Image pairs: a smooth pattern, the same with noise, and a shifted copy.
y, x = np.mgrid[0:28, 0:28]
base = (127.5 + 100 * np.sin(x / 4.0) * np.cos(y / 5.0)).clip(0, 255).astype(np.uint8)
noisy = (base.astype(np.float64) + rng.normal(scale=12, size=base.shape)).clip(0, 255).round().astype(np.uint8)
shifted = np.roll(base, 3, axis=1)
dark = (base * 0.6).astype(np.uint8)
images_a = np.stack([base, base, base, base])
images_b = np.stack([noisy, shifted, dark, base])
np.save(os.path.join(HERE, "images_a.npy"), images_a)
np.save(os.path.join(HERE, "images_b.npy"), images_b)

def psnr(a, b):
    mse = ((a.astype(np.float64) - b.astype(np.float64)) ** 2).mean()
    return float("inf") if mse == 0 else float(10 * np.log10(255.0 ** 2 / mse))

def ssim(a, b):
    # Gaussian window 11, sigma 1.5, valid positions only, K1 0.01, K2 0.03, L 255.
    t = np.arange(11) - 5
    w = np.exp(-t ** 2 / (2 * 1.5 ** 2))
    w /= w.sum()
    def filt(z):
        z = correlate1d(z, w, axis=0, mode="constant")[5:-5, :]
        return correlate1d(z, w, axis=1, mode="constant")[:, 5:-5]
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    ma, mb = filt(a), filt(b)
    va, vb, cab = filt(a * a) - ma ** 2, filt(b * b) - mb ** 2, filt(a * b) - ma * mb
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    m = (2 * ma * mb + c1) * (2 * cab + c2) / ((ma ** 2 + mb ** 2 + c1) * (va + vb + c2))
    return float(m.mean())

reference = dict(
    mean_a=mu_a.tolist(),
    covariance_a_diagonal=np.diag(sigma_a).tolist(),
    covariance_a_0_1=float(sigma_a[0, 1]),
    covariance_a_5_17=float(sigma_a[5, 17]),
    fid=fid,
    psnr=[psnr(a, b) if psnr(a, b) != float("inf") else "inf" for a, b in zip(images_a, images_b)],
    ssim=[ssim(a, b) for a, b in zip(images_a, images_b)],
)
with open(os.path.join(HERE, "reference.json"), "w") as f:
    json.dump(reference, f, indent=1)
print(json.dumps(dict(fid=fid, psnr=reference["psnr"], ssim=reference["ssim"])))
