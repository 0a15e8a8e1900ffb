using System;
using System.IO;
using Microsoft.ML.OnnxRuntime;

namespace QRecipe.Benchmarks;

/// <summary>
/// ONNX Runtime's MatMul on the shapes of <see cref="SgemmPeerHarness"/>, in its output format ("shape layout
/// gflops"), from the models bench/peers/onnx_export.py --matmul writes: "nt" is a Linear layer (a constant weight,
/// which ONNX Runtime pre-packs once, as it does for the DiT's), "nn" a product of two inputs. Timed by the same rule
/// (median of at least 3 calls after one warm-up).
/// </summary>
public static class OrtSgemmHarness
{
    public static void Run(double secondsPerShape, string cache)
    {
        foreach (var (m, k, n) in SgemmPeerHarness.Shapes)
        {
            foreach (var layout in new[] { "nt", "nn" })
            {
                var path = Path.Combine(cache, "matmul", $"{m}x{k}x{n}-{layout}.onnx");
                var inputs = layout == "nt"
                    ? new[] { ("a", Filled(m, k)) }
                    : new[] { ("a", Filled(m, k)), ("b", Filled(k, n)) };
                using var session = new OrtSession(path, inputs, [("c", OrtValue.CreateTensorValueFromMemory(new float[m * n], [m, n]))]);
                var seconds = SgemmPeerHarness.MedianSeconds(session.Run, secondsPerShape);
                Console.WriteLine($"{m}x{k}x{n} {layout} {2.0 * m * n * k / seconds / 1e9:F1}");
            }
        }
    }

    /// <summary>The values <see cref="SgemmPeerHarness"/> fills its operands with.</summary>
    private static OrtValue Filled(int rows, int columns)
    {
        var values = new float[rows * columns];
        for (var i = 0; i < values.Length; i++)
            values[i] = (i * 7919 % 1000) / 1000f - 0.5f;
        return OrtValue.CreateTensorValueFromMemory(values, [rows, columns]);
    }
}
