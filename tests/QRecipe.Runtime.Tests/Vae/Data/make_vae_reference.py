#!/usr/bin/python3
"""Reference values for the AutoencoderKL (SD-VAE) decoder, computed in float64 with Debian's python3-torch.

Written from the decoder's description in docs/vae.md and docs/dit.md (latents / 0.18215,
bytes = clamp(127.5·x + 128, 0, 255) truncated), without diffusers. Run once in this folder with
`/usr/bin/python3 make_vae_reference.py`; the outputs are committed so CI never needs torch:

  tiny_vae.safetensors            seeded float32 weights of a tiny decoder (latent 4, block_out_channels 16, 24, 32,
                                  layers_per_block 2, 8 GroupNorm groups, 3 outputs) in diffusers' key layout,
                                  current attention names (to_q, to_k, to_v, to_out.0)
  config.json                     its diffusers AutoencoderKL configuration (as the Hugging Face vae/ folders ship it)
  tiny_vae_reference.safetensors  latents [2, 4, 5, 6], the decoded images [2, 3, 20, 24] (float64 computation stored
                                  as float32) and their bytes (as float32 values 0..255)
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from reference_files import write_safetensors  # noqa: E402

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
LATENT, CHANNELS, LAYERS, GROUPS, OUT, SCALE = 4, (16, 24, 32), 2, 8, 3, 0.18215
EPS = 1e-6
LEVELS = len(CHANNELS)
MID = CHANNELS[-1]


def weights():
    g = torch.Generator().manual_seed(20261128)
    w = {}

    def conv(name, out_c, in_c, k):
        w[name + ".weight"] = torch.randn(out_c, in_c, k, k, generator=g) / math.sqrt(in_c * k * k)
        w[name + ".bias"] = torch.randn(out_c, generator=g) * 0.1

    def norm(name, c):
        w[name + ".weight"] = 1 + 0.2 * torch.randn(c, generator=g)
        w[name + ".bias"] = 0.1 * torch.randn(c, generator=g)

    def linear(name, out_f, in_f):
        w[name + ".weight"] = torch.randn(out_f, in_f, generator=g) / math.sqrt(in_f)
        w[name + ".bias"] = torch.randn(out_f, generator=g) * 0.1

    def resnet(prefix, in_c, out_c):
        norm(prefix + "norm1", in_c)
        conv(prefix + "conv1", out_c, in_c, 3)
        norm(prefix + "norm2", out_c)
        conv(prefix + "conv2", out_c, out_c, 3)
        if in_c != out_c:
            conv(prefix + "conv_shortcut", out_c, in_c, 1)

    conv("post_quant_conv", LATENT, LATENT, 1)
    conv("decoder.conv_in", MID, LATENT, 3)
    resnet("decoder.mid_block.resnets.0.", MID, MID)
    norm("decoder.mid_block.attentions.0.group_norm", MID)
    for p in ("to_q", "to_k", "to_v", "to_out.0"):
        linear("decoder.mid_block.attentions.0." + p, MID, MID)
    resnet("decoder.mid_block.resnets.1.", MID, MID)
    reversed_channels = list(reversed(CHANNELS))
    previous = MID
    for b, c in enumerate(reversed_channels):
        for i in range(LAYERS + 1):
            resnet(f"decoder.up_blocks.{b}.resnets.{i}.", previous if i == 0 else c, c)
        previous = c
        if b < LEVELS - 1:
            conv(f"decoder.up_blocks.{b}.upsamplers.0.conv", c, c, 3)
    norm("decoder.conv_norm_out", CHANNELS[0])
    conv("decoder.conv_out", OUT, CHANNELS[0], 3)
    return w


def conv2d(w, name, x):  # stride 1, zero padding (k - 1) / 2
    weight = w[name + ".weight"]
    return torch.nn.functional.conv2d(x, weight, w[name + ".bias"], padding=weight.shape[-1] // 2)


def group_norm(w, name, x):  # per image and group of consecutive channels: biased variance, eps 1e-6, then affine
    n, c, h, wd = x.shape
    g = x.reshape(n, GROUPS, -1)
    mean = g.mean(-1, keepdim=True)
    var = ((g - mean) ** 2).mean(-1, keepdim=True)
    y = ((g - mean) / torch.sqrt(var + EPS)).reshape(n, c, h, wd)
    return y * w[name + ".weight"][None, :, None, None] + w[name + ".bias"][None, :, None, None]


def silu(x):
    return x * torch.sigmoid(x)


def resnet(w, prefix, x):
    h = conv2d(w, prefix + "conv1", silu(group_norm(w, prefix + "norm1", x)))
    h = conv2d(w, prefix + "conv2", silu(group_norm(w, prefix + "norm2", h)))
    shortcut = conv2d(w, prefix + "conv_shortcut", x) if prefix + "conv_shortcut.weight" in w else x
    return shortcut + h


def attention(w, prefix, x):  # one head over the H·W positions, scale 1/sqrt(C), residual
    n, c, h, wd = x.shape
    tokens = group_norm(w, prefix + "group_norm", x).reshape(n, c, h * wd).transpose(1, 2)

    def linear(name, t):
        return t @ w[prefix + name + ".weight"].T + w[prefix + name + ".bias"]

    q, k, v = linear("to_q", tokens), linear("to_k", tokens), linear("to_v", tokens)
    a = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(c), dim=-1)
    out = linear("to_out.0", a @ v)
    return x + out.transpose(1, 2).reshape(n, c, h, wd)


def decode(w, z):
    x = conv2d(w, "post_quant_conv", z / SCALE)
    x = conv2d(w, "decoder.conv_in", x)
    x = resnet(w, "decoder.mid_block.resnets.0.", x)
    x = attention(w, "decoder.mid_block.attentions.0.", x)
    x = resnet(w, "decoder.mid_block.resnets.1.", x)
    for b in range(LEVELS):
        for i in range(LAYERS + 1):
            x = resnet(w, f"decoder.up_blocks.{b}.resnets.{i}.", x)
        if b < LEVELS - 1:
            x = x.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)  # nearest 2x
            x = conv2d(w, f"decoder.up_blocks.{b}.upsamplers.0.conv", x)
    x = silu(group_norm(w, "decoder.conv_norm_out", x))
    return conv2d(w, "decoder.conv_out", x)


def to_bytes(images):  # on the float32 values the runtime would see
    x = images.to(torch.float32)
    return torch.clamp(127.5 * x + 128.0, 0, 255).to(torch.uint8).to(torch.float64)



def main():
    # The runtime computes with the float32 weights it loads: use exactly those values here.
    w = {k: v.to(torch.float32).to(torch.float64) for k, v in weights().items()}
    g = torch.Generator().manual_seed(5)
    z = torch.randn(2, LATENT, 5, 6, generator=g).to(torch.float32).to(torch.float64)
    images = decode(w, z)
    write_safetensors(os.path.join(HERE, "tiny_vae.safetensors"), w)
    write_safetensors(os.path.join(HERE, "tiny_vae_reference.safetensors"),
                      {"latents": z, "images": images, "rgb": to_bytes(images)})
    config = {
        "_class_name": "AutoencoderKL", "act_fn": "silu", "block_out_channels": list(CHANNELS),
        "in_channels": 3, "latent_channels": LATENT, "layers_per_block": LAYERS, "norm_num_groups": GROUPS,
        "out_channels": OUT, "scaling_factor": SCALE, "sample_size": 24,
        "up_block_types": ["UpDecoderBlock2D"] * LEVELS, "down_block_types": ["DownEncoderBlock2D"] * LEVELS,
    }
    with open(os.path.join(HERE, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    print("parameters", sum(v.numel() for v in w.values()), "images", tuple(images.shape),
          "mean |x|", float(images.abs().mean()), "clipped", float(((images < -1) | (images > 1)).double().mean()))


if __name__ == "__main__":
    main()
