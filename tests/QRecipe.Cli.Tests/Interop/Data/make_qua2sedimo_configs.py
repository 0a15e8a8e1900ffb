"""Writes the hand-written Qua2SeDiMo per-layer configs the interop tests read (run with python3; not needed at test
time). Each is the dict Qua2SeDiMo's --q_config loads: 'model.<diffusers module>.weight_quantizer' -> 'method-bits',
pickled by Python's own pickle (protocol 4, Python's default) for a two-block DiT."""
import pickle

DEPTH = 2
BLOCK_LAYERS = ["norm1.emb.timestep_embedder.linear_1", "norm1.emb.timestep_embedder.linear_2", "norm1.linear",
                "attn1.to_q", "attn1.to_k", "attn1.to_v", "attn1.to_out.0", "ff.net.0.proj", "ff.net.2"]


def names():
    yield "pos_embed.proj"
    for b in range(DEPTH):
        for layer in BLOCK_LAYERS:
            yield f"transformer_blocks.{b}.{layer}"
    yield "proj_out_1"
    yield "proj_out_2"


def value(name):
    # Every method and width appears: the embedders UAQ-4, the attention K-Means-C-3 in block 0 and UAQ-3 in
    # block 1, the MLP K-Means-A-4, adaLN K-Means-C-4, the final layer K-Means-A-3.
    if name.startswith("pos_embed") or "timestep_embedder" in name:
        return "mse-4"
    if name.startswith("proj_out"):
        return "kmeans_all-3"
    if ".attn1." in name:
        return "kmeans-3" if ".0." in name else "mse-3"
    if ".ff." in name:
        return "kmeans_all-4"
    return "kmeans-4"


config = {f"model.{n}.weight_quantizer": value(n) for n in names()}
with open("q2s_two_blocks.pkl", "wb") as f:
    pickle.dump(config, f)
