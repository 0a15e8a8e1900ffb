"""Prints the median tables of bench/run-sgemm-comparison.sh from its raw "peer case layout value" lines."""
import statistics
import sys
from collections import defaultdict

values = defaultdict(list)
for line in open(sys.argv[1]):
    peer, *key, value = line.split()
    values[(peer, " ".join(key))].append(float(value))
median = {k: statistics.median(v) for k, v in values.items()}
peak = median.get(("ours", "fma-peak all-cores"))
peers = sorted({p for p, _ in median if p.startswith("torch")}) + (["ort"] if any(p == "ort" for p, _ in median) else [])

print(f"FMA peak measured (all cores, float32): {peak:.1f} GFLOP/s" if peak else "FMA peak: not measured")
print("\nSGEMM, GFLOP/s (median of rounds); nt = x·Wᵀ (Linear), nn = A·B")
header = f"{'shape MxKxN':<16}{'layout':<8}{'ours':>8}{'%peak':>7}" + "".join(f"{p:>16}{'ratio':>7}" for p in peers)
print(header)
for (peer, key), ours in sorted(median.items()):
    if peer != "ours" or key.count("x") != 2 or key.startswith(("fma", "softmax", "layernorm", "gelu", "memcpy")):
        continue
    shape, layout = key.split()
    row = f"{shape:<16}{layout:<8}{ours:>8.1f}{(100 * ours / peak if peak else float('nan')):>6.0f}%"
    for p in peers:
        other = median.get((p, key))
        row += f"{other:>16.1f}{ours / other:>6.2f}x" if other else f"{'-':>16}{'':>7}"
    print(row)

print("\nMemory-bound operations, GB/s (read + written bytes / median time)")
print(f"{'op':<11}{'shape':<14}{'ours':>8}{'memcpy':>8}{'vs memcpy':>10}{'torch':>8}{'ratio':>7}")
for (peer, key), ours in sorted(median.items()):
    op, _, shape = key.partition(" ")
    if peer != "ours" or op not in ("softmax", "layernorm", "gelu"):
        continue
    copy = median[("ours", f"memcpy {shape}")]
    torch = median.get(("torch", key))
    print(f"{op:<11}{shape:<14}{ours:>8.1f}{copy:>8.1f}{ours / copy:>9.2f}x{torch or float('nan'):>8.1f}{(ours / torch if torch else float('nan')):>6.2f}x")
