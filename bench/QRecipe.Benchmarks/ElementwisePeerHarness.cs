using System;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Benchmarks;

/// <summary>
/// Memory-bound operations over DiT-XL/2 sized tensors (batch 2, 256 tokens): softmax over attention scores
/// [2·16, 256, 256], LayerNorm over [2, 256, 1152], GELU over the MLP hidden [2, 256, 4608], and a memcpy of the
/// same bytes. Prints "op shape GB/s" with GB/s = (bytes read + bytes written) / time, the same lines as
/// bench/peers/torch_elementwise.py.
/// </summary>
public static class ElementwisePeerHarness
{
    public static readonly (string Op, int[] Shape)[] Cases =
    [
        ("softmax", [32, 256, 256]), ("layernorm", [2, 256, 1152]), ("gelu", [2, 256, 4608]),
    ];

    public static void Run(double secondsPerCase)
    {
        var backend = CpuBackend.Instance;
        foreach (var (op, shape) in Cases)
        {
            using var x = Tensor.Empty(shape);
            using var y = Tensor.Empty(shape);
            var span = x.AsSpan<float>();
            for (var i = 0; i < span.Length; i++)
                span[i] = (i * 7919 % 1000) / 100f - 5f;
            Action action = op switch
            {
                "softmax" => () => backend.Softmax(x, y),
                "layernorm" => () => backend.LayerNorm(x, y),
                _ => () => backend.Gelu(x, y),
            };
            var bytes = 2.0 * x.ElementCount * sizeof(float);
            var seconds = SgemmPeerHarness.MedianSeconds(action, secondsPerCase);
            var copySeconds = SgemmPeerHarness.MedianSeconds(() => backend.Copy(x, y), secondsPerCase);
            var name = string.Join("x", shape);
            Console.WriteLine($"{op} {name} {bytes / seconds / 1e9:F2}");
            Console.WriteLine($"memcpy {name} {bytes / copySeconds / 1e9:F2}");
        }
    }
}
