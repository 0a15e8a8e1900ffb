"""PyTorch CPU peer for our DiT forward: the same DiT (docs/dit.md: patch embedding, sin-cos
positions, timestep MLP, label table, adaLN-Zero blocks with softmax attention and a tanh-GELU MLP, final adaLN
layer) in float32 with random weights, batch 2 at image 256, timed like bench/QRecipe.Benchmarks/DitPeerHarness.cs
(median of at least 3 calls after one warm-up) and printed in its format: "model fp milliseconds", then the peak
resident set ("model peak_mb N"). Run with Debian's interpreter:
    /usr/bin/python3 torch_dit.py [model[,model]] [seconds] [threads]
One model per process gives a clean peak; bench/run-dit-comparison.sh does that."""
import math
import resource
import sys

import torch
import torch.nn.functional as F

from torch_matmul import median_seconds

MODELS = {"dit-s/2": (12, 384, 6), "dit-b/2": (12, 768, 12), "dit-l/2": (24, 1024, 16), "dit-xl/2": (28, 1152, 16)}
BATCH, LATENT, PATCH, IN_CH, OUT_CH, CLASSES, FREQ = 2, 32, 2, 4, 8, 1000, 256


def linear(out_features, in_features, gain=1.0):
    return (torch.randn(out_features, in_features) * (gain / math.sqrt(in_features)), torch.randn(out_features) * 0.1)


def lin(x, weight_bias):
    """F.linear on the rows of x: 2-D inputs take the BLAS sgemm path (this torch's 3-D F.linear is ~3x slower)."""
    return F.linear(x.reshape(-1, x.shape[-1]), *weight_bias).reshape(*x.shape[:-1], -1)


def sincos(grid, dim):
    """2-D sin-cos table [grid², dim]: half the channels encode the row, half the column."""
    def one(d, pos):
        omega = 1.0 / 10000 ** (torch.arange(d // 2, dtype=torch.float64) / (d / 2))
        out = pos.reshape(-1, 1).double() * omega.reshape(1, -1)
        return torch.cat([torch.sin(out), torch.cos(out)], dim=1)
    ys, xs = torch.meshgrid(torch.arange(grid), torch.arange(grid), indexing="ij")
    return torch.cat([one(dim // 2, xs), one(dim // 2, ys)], dim=1).float()


class Dit:
    def __init__(self, depth, hidden, heads):
        torch.manual_seed(0)
        self.hidden, self.heads = hidden, heads
        self.patch = linear(hidden, IN_CH * PATCH * PATCH)
        self.pos = sincos(LATENT // PATCH, hidden)
        self.t0, self.t2 = linear(hidden, FREQ), linear(hidden, hidden)
        self.labels = torch.randn(CLASSES + 1, hidden) * 0.5
        self.blocks = [dict(ada=linear(6 * hidden, hidden, 0.5), qkv=linear(3 * hidden, hidden), proj=linear(hidden, hidden),
                            fc1=linear(4 * hidden, hidden), fc2=linear(hidden, 4 * hidden)) for _ in range(depth)]
        self.final_ada = linear(2 * hidden, hidden, 0.5)
        self.final = linear(PATCH * PATCH * OUT_CH, hidden)

    def to(self, device):
        """Moves every weight to `device` (bench/peers/torch_dit_sampling.py runs on a GPU)."""
        def move(w):
            return tuple(t.to(device) for t in w) if isinstance(w, tuple) else w.to(device)
        for name in ("patch", "pos", "t0", "t2", "labels", "final_ada", "final"):
            setattr(self, name, move(getattr(self, name)))
        self.blocks = [{k: move(w) for k, w in b.items()} for b in self.blocks]
        return self

    @staticmethod
    def modulate(x, shift, scale):
        return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)

    def forward(self, x, t, y):
        n, d, h = x.shape[0], self.hidden, self.heads
        g = LATENT // PATCH
        patches = x.reshape(n, IN_CH, g, PATCH, g, PATCH).permute(0, 2, 4, 1, 3, 5).reshape(n, g * g, -1)
        tokens = lin(patches, self.patch) + self.pos
        freqs = torch.exp(-math.log(10000) * torch.arange(FREQ // 2, dtype=torch.float32, device=x.device) / (FREQ // 2))
        args = t.unsqueeze(1) * freqs.unsqueeze(0)
        c = F.linear(F.silu(F.linear(torch.cat([torch.cos(args), torch.sin(args)], dim=1), *self.t0)), *self.t2) + self.labels[y]
        sc = F.silu(c)
        for b in self.blocks:
            chunks = F.linear(sc, *b["ada"]).chunk(6, dim=1)
            m = self.modulate(F.layer_norm(tokens, (d,), eps=1e-6), chunks[0], chunks[1])
            q, k, v = lin(m, b["qkv"]).reshape(n, -1, 3, h, d // h).permute(2, 0, 3, 1, 4)
            attn = torch.softmax(torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(d // h), dim=-1)
            o = torch.matmul(attn, v).transpose(1, 2).reshape(n, -1, d)
            tokens = tokens + chunks[2].unsqueeze(1) * lin(o, b["proj"])
            m = self.modulate(F.layer_norm(tokens, (d,), eps=1e-6), chunks[3], chunks[4])
            tokens = tokens + chunks[5].unsqueeze(1) * lin(F.gelu(lin(m, b["fc1"]), approximate="tanh"), b["fc2"])
        shift, scale = F.linear(sc, *self.final_ada).chunk(2, dim=1)
        out = lin(self.modulate(F.layer_norm(tokens, (d,), eps=1e-6), shift, scale), self.final)
        return out.reshape(n, g, g, PATCH, PATCH, OUT_CH).permute(0, 5, 1, 3, 2, 4).reshape(n, OUT_CH, LATENT, LATENT)



def main():
    models = sys.argv[1].split(",") if len(sys.argv) > 1 else ["dit-s/2"]
    budget = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
    for name in models:
        model = Dit(*MODELS[name])
        x = torch.randn(BATCH, IN_CH, LATENT, LATENT)
        t = torch.tensor([999.0, 500.0])
        y = torch.tensor([207, 360])
        with torch.no_grad():
            seconds = median_seconds(lambda: model.forward(x, t, y), budget)
        print(f"{name} fp {seconds * 1e3:.1f}", flush=True)
        print(f"{name} peak_mb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", flush=True)


if __name__ == "__main__":
    main()
