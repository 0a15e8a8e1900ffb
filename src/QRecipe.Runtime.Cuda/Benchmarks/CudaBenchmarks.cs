using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Plan.Models;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Cuda.Backend;
using QRecipe.Runtime.Cuda.Sc;
using QRecipe.Runtime.Cuda.SelfTest;
using QRecipe.Runtime.Diffusion;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Sequences;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Cuda.Benchmarks;

/// <summary>One measured line of <c>qrecipe bench --device cuda</c>.</summary>
public sealed record BenchRow(string Name, string Shape, double Milliseconds, string Rate, string Note);

/// <summary>
/// The CUDA measurements of issue 9 on DiT-XL/2 shapes (1152 hidden, 4608 MLP, 256 tokens, batch 2 as with
/// classifier-free guidance): cuBLAS GEMMs at FP32/TF32/BF16/FP16 against the CPU SGEMM, the SC enable product at
/// p = 8, L = 256 with both inner loops (bit-operations n·m·D·L per second and its time as a multiple of the FP16 GEMM
/// of the same shape; kernels only, packing and k lookup included), the legacy XNOR product, the attention products
/// of one block (32 heads batched) against the batched FP16 GEMM, and DiT-XL/2 forward and DDIM sampling on the CUDA
/// backend with synthetic weights.
/// Device times are the median of <c>repeats</c> runs after one warm-up, measured with CUDA events.
/// </summary>
public static class CudaBenchmarks
{
    private const int Tokens = 512;

    private static readonly (string Layer, int N, int K)[] Layers = [("qkv", 3456, 1152), ("proj", 1152, 1152), ("fc1", 4608, 1152), ("fc2", 1152, 4608)];

    public static IEnumerable<BenchRow> Run(CudaDevice device, int repeats, int samplingSteps)
    {
        using var blas = new CudaBlas(device);
        var fp16 = new Dictionary<string, double>();
        foreach (var (layer, n, k) in Layers)
        {
            var shape = $"{Tokens}x{n}x{k}";
            var flops = 2.0 * Tokens * n * k;
            using var a = device.Upload<float>(SelfTestCase.Values(Tokens * k, 1));
            using var b = device.Upload<float>(SelfTestCase.Values(n * k, 2));
            using var c = device.Allocate<float>((long)Tokens * n);
            foreach (var precision in Enum.GetValues<GemmPrecision>())
            {
                var ms = Median(repeats, () =>
                {
                    using var timer = device.StartTimer();
                    blas.Gemm(a, b, c, Tokens, n, k, false, true, k, k, precision: precision);
                    return timer.Stop();
                });
                if (precision == GemmPrecision.Float16)
                    fp16[layer] = ms;
                yield return new BenchRow($"cublas gemm {layer} {precision}", shape, ms, $"{flops / ms / 1e9:F1} TFLOP/s", "");
            }

            yield return CpuGemm(layer, n, k, flops);
        }

        var geometry = new ScOptions().Resolve();
        using var tableProduct = new CudaScProduct(device);
        using var popcountProduct = new CudaScProduct(device, allowTables: false);
        foreach (var (layer, n, k) in Layers)
        {
            var qa = ScQuantizer.BipolarGrouped(SelfTestCase.Values(Tokens * k, 3), Tokens, k, 1, geometry);
            var qb = ScQuantizer.BipolarGrouped(SelfTestCase.Values(n * k, 4), n, k, 1, geometry);
            var sequences = ScSequences.Prepare(geometry, k);
            var tables = new EnableTables(sequences, geometry.G);
            var bitOps = (double)Tokens * n * k * geometry.L;
            foreach (var (label, product) in new[] { ("table", tableProduct), ("popcount", popcountProduct) })
            {
                var enable = Median(repeats, () =>
                {
                    product.Enable(qa, qb, tables);
                    return product.LastKernelMilliseconds;
                });
                yield return new BenchRow($"sc enable ({label}) {layer} p8 L256", $"{Tokens}x{n}x{k}", enable, $"{bitOps / enable / 1e9:F1} Tbit-op/s",
                    $"{enable / fp16[layer]:F2}x the FP16 GEMM");
            }

            var xnorSequences = ScSequences.Prepare(geometry with { Kernel = ScKernel.Xnor }, k);
            var xnor = Median(repeats, () =>
            {
                popcountProduct.Bitstream(qa, qb, xnorSequences);
                return popcountProduct.LastKernelMilliseconds;
            });
            yield return new BenchRow($"sc legacy xnor {layer} p8 L256", $"{Tokens}x{n}x{k}", xnor, $"{bitOps / xnor / 1e9:F1} Tbit-op/s",
                $"{xnor / fp16[layer]:F2}x the FP16 GEMM");
        }

        foreach (var row in AttentionRows(device, blas, repeats, tableProduct, popcountProduct))
            yield return row;
        foreach (var row in DitRuns(device, samplingSteps))
            yield return row;
    }

    /// <summary>The two attention products of a DiT-XL/2 block with guidance (2 × 16 heads, 256 tokens, head size 72):
    /// q·kᵀ (256 × 256 per head, D = 72) and softmax·v (256 × 72 per head, D = 256), as a batched FP16 GEMM and as
    /// one batched SC enable product of the 32 heads (p = 8, L = 256).</summary>
    private static IEnumerable<BenchRow> AttentionRows(CudaDevice device, CudaBlas blas, int repeats, CudaScProduct tableProduct,
        CudaScProduct popcountProduct)
    {
        const int heads = 32, tokens = 256, headSize = 72;
        var geometry = new ScOptions().Resolve();
        foreach (var (name, n, m, d) in new[] { ("qk", tokens, tokens, headSize), ("av", tokens, headSize, tokens) })
        {
            var shape = $"{heads}x{n}x{m}x{d}";
            using var a = device.Upload<float>(SelfTestCase.Values(heads * n * d, 7));
            using var b = device.Upload<float>(SelfTestCase.Values(heads * m * d, 8));
            using var c = device.Allocate<float>((long)heads * n * m);
            var fp16 = Median(repeats, () =>
            {
                using var timer = device.StartTimer();
                blas.Gemm(a, b, c, n, m, d, false, true, d, d, batch: heads, precision: GemmPrecision.Float16);
                return timer.Stop();
            });
            yield return new BenchRow($"cublas batched gemm attention {name} Float16", shape, fp16, $"{2.0 * heads * n * m * d / fp16 / 1e9:F1} TFLOP/s", "");
            var qa = Enumerable.Range(0, heads).Select(h => ScQuantizer.BipolarGrouped(SelfTestCase.Values(n * d, 20 + (ulong)h), n, d, 1, geometry)).ToArray();
            var qb = Enumerable.Range(0, heads).Select(h => ScQuantizer.BipolarGrouped(SelfTestCase.Values(m * d, 60 + (ulong)h), m, d, 1, geometry)).ToArray();
            var tables = new EnableTables(ScSequences.Prepare(geometry, d), geometry.G);
            var bitOps = (double)heads * n * m * d * geometry.L;
            foreach (var (label, product) in new[] { ("table", tableProduct), ("popcount", popcountProduct) })
            {
                var enable = Median(repeats, () =>
                {
                    product.EnableSlices(qa, qb, tables);
                    return product.LastKernelMilliseconds;
                });
                yield return new BenchRow($"sc enable ({label}) attention {name} p8 L256", shape, enable, $"{bitOps / enable / 1e9:F1} Tbit-op/s",
                    $"{enable / fp16:F2}x the FP16 GEMM");
            }
        }
    }

    private static BenchRow CpuGemm(string layer, int n, int k, double flops)
    {
        using var a = Tensor.From(SelfTestCase.Values(Tokens * k, 1), Tokens, k);
        using var b = Tensor.From(SelfTestCase.Values(n * k, 2), n, k);
        using var c = Tensor.Empty(Tokens, n);
        CpuBackend.Instance.Linear(a, b, null, c);
        var clock = Stopwatch.StartNew();
        CpuBackend.Instance.Linear(a, b, null, c);
        var ms = clock.Elapsed.TotalMilliseconds;
        return new BenchRow($"cpu sgemm {layer}", $"{Tokens}x{n}x{k}", ms, $"{flops / ms / 1e9:F2} TFLOP/s", CpuBackend.Instance.Name);
    }

    /// <summary>DiT-XL/2 (256 px) with synthetic weights on the CUDA backend: one guided forward of one sample, then a
    /// DDIM run; wall-clock times with the tensors resident on the device (docs/cuda.md).</summary>
    private static IEnumerable<BenchRow> DitRuns(CudaDevice device, int steps)
    {
        var model = ModelCatalog.Find("dit-xl/2", 256)!;
        using var backend = new CudaBackend(device, GemmPrecision.TensorFloat32);
        using var weights = DitWeights.Synthetic(model, backend, seed: 1);
        using var dit = new DitModel(weights, backend);
        using var x = Tensor.From(SelfTestCase.Values(model.InChannels * model.LatentSize * model.LatentSize, 5), 1, model.InChannels, model.LatentSize, model.LatentSize);
        using var t = Tensor.From(new[] { 500f }, 1);
        using var labels = Tensor.From(new[] { 207 }, 1);
        using var output = Tensor.Empty(1, model.OutChannels, model.LatentSize, model.LatentSize);
        dit.ForwardWithCfg(x, t, labels, 4f, output);
        var clock = Stopwatch.StartNew();
        dit.ForwardWithCfg(x, t, labels, 4f, output);
        yield return new BenchRow("dit-xl/2 forward (cfg, TF32)", "1 sample, 256 tokens", clock.Elapsed.TotalMilliseconds, "", "device-resident tensors");
        if (steps <= 0)
            yield break;
        var latents = SelfTestCase.Values(model.InChannels * model.LatentSize * model.LatentSize, 6);
        using var denoiser = new DitDenoiser(dit, backend, [207], 4f);
        clock.Restart();
        DiffusionSampler.Sample(DiffusionSchedule.Create(steps.ToString(System.Globalization.CultureInfo.InvariantCulture)), ddim: true, latents, 1, model.InChannels, denoiser.Denoise, null);
        yield return new BenchRow($"dit-xl/2 ddim sampling, {steps} steps (TF32)", "1 sample, cfg 4", clock.Elapsed.TotalMilliseconds,
            $"{clock.Elapsed.TotalMilliseconds / steps:F1} ms/step", "float weights, device-resident tensors");
    }

    private static double Median(int repeats, Func<float> run)
    {
        run();
        var times = Enumerable.Range(0, Math.Max(1, repeats)).Select(_ => (double)run()).Order().ToArray();
        return times[times.Length / 2];
    }
}
