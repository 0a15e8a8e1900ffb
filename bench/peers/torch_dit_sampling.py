"""PyTorch peer for the GPU sampling run of issue 9: DiT-XL/2 (bench/peers/torch_dit.py, random weights, float32)
sampled with 50 DDIM steps and classifier-free guidance on one CUDA device, timed end to end with the device
synchronised, as `qrecipe run bench/recipes/dit_xl_w4a8_sc_attention_50.qrecipe --synthetic --device cuda` is.
Schedule: DiT's 1000 linear betas 1e-4..0.02 respaced to evenly spaced timesteps, eta 0, epsilon from the first
4 output channels, guidance on those channels (docs/dit.md). Prints one line per run:
    dit-xl/2 ddim50 cfg <samples> samples <tf32|fp32> <seconds> s
Usage (needs torch with CUDA): python3 torch_dit_sampling.py [samples] [steps] [--tf32]"""
import sys
import time

import torch

from torch_dit import CLASSES, IN_CH, LATENT, MODELS, Dit


def ddim_timesteps(steps):
    """Evenly spaced respacing of the 1000 training steps, as "ddimN" in the DiT code base."""
    stride = 1000 // steps
    return list(range(0, 1000, stride))[:steps]


def sample(model, samples, steps, scale, device):
    betas = torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64)
    alphas = torch.cumprod(1 - betas, dim=0)
    x = torch.randn(samples, IN_CH, LATENT, LATENT, device=device)
    y = torch.randint(0, CLASSES, (samples,), device=device)
    y_all = torch.cat([y, torch.full_like(y, CLASSES)])
    timesteps = ddim_timesteps(steps)
    for i in reversed(range(len(timesteps))):
        t = timesteps[i]
        out = model.forward(torch.cat([x, x]), torch.full((2 * samples,), float(t), device=device), y_all)
        eps_c, eps_u = out[:samples, :IN_CH], out[samples:, :IN_CH]
        eps = eps_u + scale * (eps_c - eps_u)
        a_t = float(alphas[t])
        a_prev = float(alphas[timesteps[i - 1]]) if i > 0 else 1.0
        x0 = (x - (1 - a_t) ** 0.5 * eps) / a_t ** 0.5
        x = a_prev ** 0.5 * x0 + (1 - a_prev) ** 0.5 * eps
    return x


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    samples = int(args[0]) if args else 1
    steps = int(args[1]) if len(args) > 1 else 50
    tf32 = "--tf32" in sys.argv
    if not torch.cuda.is_available():
        print("torch_dit_sampling: torch has no CUDA device here", file=sys.stderr)
        sys.exit(3)
    torch.backends.cuda.matmul.allow_tf32 = tf32
    device = torch.device("cuda")
    model = Dit(*MODELS["dit-xl/2"]).to(device)
    with torch.no_grad():
        sample(model, samples, 2, 1.5, device)  # warm-up: kernels and allocator
        torch.cuda.synchronize()
        start = time.perf_counter()
        sample(model, samples, steps, 1.5, device)
        torch.cuda.synchronize()
        seconds = time.perf_counter() - start
    print(f"dit-xl/2 ddim{steps} cfg {samples} samples {'tf32' if tf32 else 'fp32'} {seconds:.2f} s", flush=True)


if __name__ == "__main__":
    main()
