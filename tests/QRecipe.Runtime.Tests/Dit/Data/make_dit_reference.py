#!/usr/bin/python3
"""Reference values for the DiT model and the diffusion samplers, computed in float64 with Debian's python3-torch.

Written from the formulas stated in docs/dit.md, not from the DiT sources. Run once in this folder
with `/usr/bin/python3 make_dit_reference.py`; the two outputs are committed so CI never needs torch:

  tiny_dit.safetensors            seeded weights of a tiny DiT (depth 2, hidden 32, 2 heads, patch 2, latent 8,
                                  10 classes, learned sigma) in the original key layout, float32
  tiny_dit_reference.safetensors  inputs, intermediate values and outputs, float32 (computed in float64)

Sampling noise is part of the reference (the runtime's generator is Philox, torch's is not), so the runtime replays it.
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from reference_files import write_safetensors  # noqa: E402

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
DEPTH, D, HEADS, P, LATENT, CLASSES, IN_CH = 2, 32, 2, 2, 8, 10, 4
OUT_CH = 2 * IN_CH
G = LATENT // P
T = G * G
FREQ = 256


def pos_embed():  # first half encodes the column, sin block before cos block, float64
    quarter = D // 4
    omega = 1.0 / 10000 ** (torch.arange(quarter, dtype=torch.float64) / quarter)

    def one_d(pos):
        args = pos[:, None] * omega[None, :]
        return torch.cat([torch.sin(args), torch.cos(args)], dim=1)

    rows = torch.arange(G, dtype=torch.float64).repeat_interleave(G)  # token n = i*G + j
    cols = torch.arange(G, dtype=torch.float64).repeat(G)
    return torch.cat([one_d(cols), one_d(rows)], dim=1)[None]


def weights():
    g = torch.Generator().manual_seed(20261125)

    def linear(name, out_f, in_f, gain=1.0):
        w[name + ".weight"] = torch.randn(out_f, in_f, generator=g) * gain / math.sqrt(in_f)
        w[name + ".bias"] = torch.randn(out_f, generator=g) * 0.1

    w = {"pos_embed": pos_embed()}
    w["x_embedder.proj.weight"] = torch.randn(D, IN_CH, P, P, generator=g) / math.sqrt(IN_CH * P * P)
    w["x_embedder.proj.bias"] = torch.randn(D, generator=g) * 0.1
    linear("t_embedder.mlp.0", D, FREQ)
    linear("t_embedder.mlp.2", D, D)
    w["y_embedder.embedding_table.weight"] = torch.randn(CLASSES + 1, D, generator=g) * 0.5
    for i in range(DEPTH):
        b = f"blocks.{i}."
        linear(b + "attn.qkv", 3 * D, D)
        linear(b + "attn.proj", D, D)
        linear(b + "mlp.fc1", 4 * D, D)
        linear(b + "mlp.fc2", D, 4 * D)
        linear(b + "adaLN_modulation.1", 6 * D, D, gain=0.5)  # non-zero modulation (adaLN-Zero would zero it)
    linear("final_layer.linear", P * P * OUT_CH, D)
    linear("final_layer.adaLN_modulation.1", 2 * D, D, gain=0.5)
    return w


def layer_norm(x):  # no affine, eps 1e-6, biased variance over the last axis
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + 1e-6)


def silu(x):
    return x * torch.sigmoid(x)


def gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def modulate(x, shift, scale):
    return x * (1 + scale[:, None, :]) + shift[:, None, :]


def lin(w, name, x):
    return x @ w[name + ".weight"].T + w[name + ".bias"]


def patch_embed(w, x):  # vector index ch*p*p + ky*p + kx, token n = r*G + c
    n = x.shape[0]
    v = x.reshape(n, IN_CH, G, P, G, P).permute(0, 2, 4, 1, 3, 5).reshape(n, T, IN_CH * P * P)
    return v @ w["x_embedder.proj.weight"].reshape(D, -1).T + w["x_embedder.proj.bias"]


def timestep_frequencies(t):  # divisor 128, cos block first; freqs are float32 in the reference
    half = FREQ // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half).to(torch.float64)
    args = t[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


def block(w, i, x, c):  # adaLN-Zero
    b = f"blocks.{i}."
    m = lin(w, b + "adaLN_modulation.1", silu(c))
    shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = m.chunk(6, dim=1)
    h = modulate(layer_norm(x), shift_msa, scale_msa)
    n = x.shape[0]
    hd = D // HEADS
    qkv = lin(w, b + "attn.qkv", h).reshape(n, T, 3, HEADS, hd).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    a = torch.softmax((q * hd ** -0.5) @ k.transpose(-1, -2), dim=-1)
    o = (a @ v).transpose(1, 2).reshape(n, T, D)
    x = x + gate_msa[:, None, :] * lin(w, b + "attn.proj", o)
    h2 = modulate(layer_norm(x), shift_mlp, scale_mlp)
    x = x + gate_mlp[:, None, :] * lin(w, b + "mlp.fc2", gelu_tanh(lin(w, b + "mlp.fc1", h2)))
    return x


def unpatchify(x):  # channel is the fastest index of the final layer's output
    n = x.shape[0]
    return x.reshape(n, G, G, P, P, OUT_CH).permute(0, 5, 1, 3, 2, 4).reshape(n, OUT_CH, LATENT, LATENT)


def forward(w, x, t, y, trace=None):
    tok = patch_embed(w, x) + w["pos_embed"]
    c = lin(w, "t_embedder.mlp.2", silu(lin(w, "t_embedder.mlp.0", timestep_frequencies(t)))) \
        + w["y_embedder.embedding_table.weight"][y]
    if trace is not None:
        trace["tokens"] = tok
        trace["c"] = c
    for i in range(DEPTH):
        tok = block(w, i, tok, c)
        if trace is not None:
            trace[f"block{i}"] = tok
    m2 = lin(w, "final_layer.adaLN_modulation.1", silu(c))
    shift, scale = m2.chunk(2, dim=1)
    out = lin(w, "final_layer.linear", modulate(layer_norm(tok), shift, scale))
    return unpatchify(out)


def guided(w, x, t, y, cfg):
    """forward_with_cfg on an N-row state: eps channels 0..2 guided, channel 3 and the variance from the conditional branch."""
    n = x.shape[0]
    out = forward(w, torch.cat([x, x]), torch.cat([t, t]), torch.cat([y, torch.full_like(y, CLASSES)]))
    cond, uncond = out[:n], out[n:]
    eps3 = uncond[:, :3] + cfg * (cond[:, :3] - uncond[:, :3])
    return torch.cat([eps3, cond[:, 3:]], dim=1)


def space_timesteps(spec):  # respacing
    if spec.startswith("ddim"):
        count = int(spec[4:])
        for stride in range(1, 1000):
            if len(range(0, 1000, stride)) == count:
                return list(range(0, 1000, stride))
        raise ValueError(spec)
    counts = [int(c) for c in spec.split(",")]
    size_per, extra = divmod(1000, len(counts))
    start, result = 0, []
    for i, count in enumerate(counts):
        size = size_per + (1 if i < extra else 0)
        stride = (size - 1) / (count - 1) if count > 1 else 1
        cur = 0.0
        for _ in range(count):
            result.append(start + round(cur))
            cur += stride
        start += size
    return sorted(set(result))


def schedule(spec):  # linear betas, respaced betas, derived arrays, in float64
    betas = [1e-4 + i * (0.02 - 1e-4) / 999 for i in range(1000)]
    betas[-1] = 0.02
    alpha_bar, prod = [], 1.0
    for beta in betas:
        prod *= 1 - beta
        alpha_bar.append(prod)
    use = set(space_timesteps(spec))
    last, new_betas, timestep_map = 1.0, [], []
    for i in range(1000):
        if i in use:
            new_betas.append(1 - alpha_bar[i] / last)
            last = alpha_bar[i]
            timestep_map.append(i)
    b = torch.tensor(new_betas)
    ab = torch.cumprod(1 - b, 0)
    ab_prev = torch.cat([torch.ones(1), ab[:-1]])
    post_var = b * (1 - ab_prev) / (1 - ab)
    return dict(
        betas=b, timestep_map=timestep_map, ab=ab, ab_prev=ab_prev,
        sqrt_recip=torch.sqrt(1 / ab), sqrt_recipm1=torch.sqrt(1 / ab - 1),
        logvar_clip=torch.log(torch.cat([post_var[1:2], post_var[1:]])),
        coef1=b * torch.sqrt(ab_prev) / (1 - ab), coef2=(1 - ab_prev) * torch.sqrt(1 - b) / (1 - ab))


def p_mean_variance(w, s, x, k, y, cfg):  # learned-range variance, eps prediction
    t = torch.full((x.shape[0],), float(s["timestep_map"][k]))
    out = guided(w, x, t, y, cfg)
    eps, v = out[:, :IN_CH], out[:, IN_CH:]
    frac = (v + 1) / 2
    logvar = frac * math.log(s["betas"][k]) + (1 - frac) * s["logvar_clip"][k]
    x0 = s["sqrt_recip"][k] * x - s["sqrt_recipm1"][k] * eps
    mean = s["coef1"][k] * x0 + s["coef2"][k] * x
    return mean, logvar, x0


def ddpm(w, spec, x, y, cfg, noise):  # noise[j] is used at the j-th step taken (k = S-1-j)
    s = schedule(spec)
    steps = len(s["betas"])
    for j, k in enumerate(range(steps - 1, -1, -1)):
        mean, logvar, _ = p_mean_variance(w, s, x, k, y, cfg)
        x = mean + (1.0 if k != 0 else 0.0) * torch.exp(0.5 * logvar) * noise[j]
    return x


def ddim(w, spec, x, y, cfg):  # eta 0
    s = schedule(spec)
    for k in range(len(s["betas"]) - 1, -1, -1):
        _, _, x0 = p_mean_variance(w, s, x, k, y, cfg)
        eps = (s["sqrt_recip"][k] * x - x0) / s["sqrt_recipm1"][k]
        x = x0 * torch.sqrt(s["ab_prev"][k]) + torch.sqrt(1 - s["ab_prev"][k]) * eps
    return x



def main():
    w = weights()
    # The runtime computes with the float32 weights it loads: use exactly those values here.
    w = {k: v.to(torch.float32).to(torch.float64) for k, v in w.items()}
    g = torch.Generator().manual_seed(7)
    x = torch.randn(2, IN_CH, LATENT, LATENT, generator=g).to(torch.float32).to(torch.float64)
    t = torch.tensor([999.0, 500.0])
    y = torch.tensor([3, 7])
    trace = {}
    out = forward(w, x, t, y, trace)
    ref = {
        "x": x, "t": t, "y": y.to(torch.float64), "t_frequencies": timestep_frequencies(t),
        "tokens": trace["tokens"], "c": trace["c"], "block0": trace["block0"], "block1": trace["block1"],
        "forward": out,
        "forward_cfg": guided(w, x, t, y, 1.5),
    }
    noise = torch.randn(10, 2, IN_CH, LATENT, LATENT, generator=g).to(torch.float32).to(torch.float64)
    ref["ddpm10_noise"] = noise
    ref["ddpm10_cfg1.5"] = ddpm(w, "10", x, y, 1.5, noise)
    ref["ddim5_cfg4"] = ddim(w, "ddim5", x, y, 4.0)
    ref["ddim5_no_cfg"] = ddim(w, "ddim5", x, y, 1.0)
    write_safetensors(os.path.join(HERE, "tiny_dit.safetensors"), w)
    write_safetensors(os.path.join(HERE, "tiny_dit_reference.safetensors"), ref)
    for name in ("forward", "forward_cfg", "ddpm10_cfg1.5", "ddim5_cfg4"):
        print(name, tuple(ref[name].shape), float(ref[name].abs().mean()))


if __name__ == "__main__":
    main()
