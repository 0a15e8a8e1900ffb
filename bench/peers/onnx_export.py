"""Writes the ONNX models of the ONNX Runtime peer (bench/QRecipe.Benchmarks/OrtDitHarness.cs, OrtSgemmHarness.cs)
into a cache folder that git ignores (bench/.cache by default):

    <cache>/dit-s_2/model.onnx, <cache>/dit-xl_2/model.onnx   the DiT forward, batch 2, image 256, float32
    <cache>/matmul/MxKxN-nt.onnx, MxKxN-nn.onnx               the SGEMM shapes of torch_matmul.py

The DiT is the architecture of torch_dit.py (docs/dit.md) written as modules named like the official DiT's state dict
(x_embedder.proj, t_embedder.mlp.0/2, y_embedder.embedding_table, blocks.i.attn.qkv/proj, blocks.i.mlp.fc1/fc2,
blocks.i.adaLN_modulation.1, final_layer.*), so `--checkpoint` can load an original DiT checkpoint into it; without one
the weights are random with torch_dit.py's scales. Inputs: x [2, 4, 32, 32] float, t [2] float (original timesteps),
y [2] int64 labels; output [2, 8, 32, 32]. Models over 2 GB (DiT-XL/2) keep their weights as external data beside
model.onnx. "nt" multiplies the input by a constant weight W [N, K] as a Linear layer does (exported with Wᵀ as an
initializer, which ONNX Runtime pre-packs); "nn" multiplies two inputs A [M, K] and B [K, N].
Run with Debian's interpreter (python3-torch; no onnx package is needed):
    /usr/bin/python3 onnx_export.py [cache] [dit-s/2,dit-xl/2|none] [--matmul] [--checkpoint PATH]"""
import argparse
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_dit import BATCH, CLASSES, FREQ, IN_CH, LATENT, MODELS, OUT_CH, PATCH, sincos
from torch_matmul import SHAPES


def init_linear(layer, gain=1.0):
    """torch_dit.py's scales: weight N(0, gain²/in), bias N(0, 0.1²)."""
    with torch.no_grad():
        layer.weight.normal_(0, gain / math.sqrt(layer.weight[0].numel()))
        layer.bias.normal_(0, 0.1)
    return layer


class TimestepEmbedder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.mlp = nn.Sequential(init_linear(nn.Linear(FREQ, hidden)), nn.SiLU(), init_linear(nn.Linear(hidden, hidden)))

    def forward(self, t):
        half = FREQ // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
        args = t.unsqueeze(1) * freqs.unsqueeze(0)
        return self.mlp(torch.cat([torch.cos(args), torch.sin(args)], dim=1))


class LabelEmbedder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.embedding_table = nn.Embedding(CLASSES + 1, hidden)
        nn.init.normal_(self.embedding_table.weight, 0, 0.5)

    def forward(self, y):
        return self.embedding_table(y)


class PatchEmbed(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.proj = init_linear(nn.Conv2d(IN_CH, hidden, PATCH, stride=PATCH))

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class Attention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads = heads
        self.qkv = init_linear(nn.Linear(hidden, 3 * hidden))
        self.proj = init_linear(nn.Linear(hidden, hidden))

    def forward(self, x):
        n, tokens, d = x.shape
        q, k, v = self.qkv(x).reshape(n, tokens, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        attn = torch.softmax(torch.matmul(q, k.transpose(-2, -1)) * (d // self.heads) ** -0.5, dim=-1)
        return self.proj(torch.matmul(attn, v).transpose(1, 2).reshape(n, tokens, d))


class Mlp(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.fc1 = init_linear(nn.Linear(hidden, 4 * hidden))
        self.act = nn.GELU(approximate="tanh")
        self.fc2 = init_linear(nn.Linear(4 * hidden, hidden))

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class LayerNorm(nn.Module):
    """DiT's LayerNorm without affine parameters. torch 1.13 exports a parameterless F.layer_norm as a
    LayerNormalization with an empty scale input, which ONNX's checker refuses; a scale of ones and a bias of zeros
    held as non-persistent buffers give the same values and keep the state dict the official one."""

    def __init__(self, hidden):
        super().__init__()
        self.register_buffer("ones", torch.ones(hidden), persistent=False)
        self.register_buffer("zeros", torch.zeros(hidden), persistent=False)

    def forward(self, x):
        return F.layer_norm(x, self.ones.shape, self.ones, self.zeros, eps=1e-6)


def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


class DiTBlock(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.norm1 = LayerNorm(hidden)
        self.attn = Attention(hidden, heads)
        self.norm2 = LayerNorm(hidden)
        self.mlp = Mlp(hidden)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), init_linear(nn.Linear(hidden, 6 * hidden), 0.5))

    def forward(self, x, c):
        shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = self.adaLN_modulation(c).chunk(6, dim=1)
        x = x + gate_msa.unsqueeze(1) * self.attn(modulate(self.norm1(x), shift_msa, scale_msa))
        return x + gate_mlp.unsqueeze(1) * self.mlp(modulate(self.norm2(x), shift_mlp, scale_mlp))


class FinalLayer(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.norm_final = LayerNorm(hidden)
        self.linear = init_linear(nn.Linear(hidden, PATCH * PATCH * OUT_CH))
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), init_linear(nn.Linear(hidden, 2 * hidden), 0.5))

    def forward(self, x, c):
        shift, scale = self.adaLN_modulation(c).chunk(2, dim=1)
        return self.linear(modulate(self.norm_final(x), shift, scale))


class DiT(nn.Module):
    def __init__(self, depth, hidden, heads):
        super().__init__()
        torch.manual_seed(0)
        self.x_embedder = PatchEmbed(hidden)
        self.t_embedder = TimestepEmbedder(hidden)
        self.y_embedder = LabelEmbedder(hidden)
        self.pos_embed = nn.Parameter(sincos(LATENT // PATCH, hidden).unsqueeze(0), requires_grad=False)
        self.blocks = nn.ModuleList(DiTBlock(hidden, heads) for _ in range(depth))
        self.final_layer = FinalLayer(hidden)

    def forward(self, x, t, y):
        g = LATENT // PATCH
        tokens = self.x_embedder(x) + self.pos_embed
        c = self.t_embedder(t) + self.y_embedder(y)
        for block in self.blocks:
            tokens = block(tokens, c)
        out = self.final_layer(tokens, c)
        n = out.shape[0]
        return out.reshape(n, g, g, PATCH, PATCH, OUT_CH).permute(0, 5, 1, 3, 2, 4).reshape(n, OUT_CH, LATENT, LATENT)


class Linear(nn.Module):
    def __init__(self, n, k):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(n, k) - 0.5, requires_grad=False)

    def forward(self, a):
        return F.linear(a, self.weight)


class Product(nn.Module):
    def forward(self, a, b):
        return torch.matmul(a, b)


def export_dit(name, cache, checkpoint):
    model = DiT(*MODELS[name]).eval()
    if checkpoint:
        model.load_state_dict(torch.load(checkpoint, map_location="cpu"))
    folder = os.path.join(cache, name.replace("/", "_"))
    os.makedirs(folder, exist_ok=True)
    x = torch.randn(BATCH, IN_CH, LATENT, LATENT)
    t = torch.tensor([999.0, 500.0])
    y = torch.tensor([207, 360])
    with torch.no_grad():
        # torch writes every initializer as its own external file once the model passes protobuf's 2 GB limit.
        torch.onnx.export(model, (x, t, y), os.path.join(folder, "model.onnx"), opset_version=17,
                          input_names=["x", "t", "y"], output_names=["out"], do_constant_folding=True)
    print(f"{name}: {folder}/model.onnx", flush=True)


def export_matmul(cache):
    folder = os.path.join(cache, "matmul")
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(0)
    for m, k, n in SHAPES:
        a = torch.rand(m, k) - 0.5
        torch.onnx.export(Linear(n, k), (a,), os.path.join(folder, f"{m}x{k}x{n}-nt.onnx"), opset_version=17,
                          input_names=["a"], output_names=["c"])
        torch.onnx.export(Product(), (a, torch.rand(k, n) - 0.5), os.path.join(folder, f"{m}x{k}x{n}-nn.onnx"),
                          opset_version=17, input_names=["a", "b"], output_names=["c"])
    print(f"matmul: {folder}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cache", nargs="?", default=os.path.join(os.path.dirname(__file__), "..", ".cache"))
    parser.add_argument("models", nargs="?", default="dit-s/2,dit-xl/2")
    parser.add_argument("--matmul", action="store_true")
    parser.add_argument("--checkpoint")
    args = parser.parse_args()
    if args.models != "none":
        for name in args.models.split(","):
            export_dit(name, args.cache, args.checkpoint)
    if args.matmul:
        export_matmul(args.cache)


if __name__ == "__main__":
    main()
