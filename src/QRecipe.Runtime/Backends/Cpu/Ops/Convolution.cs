using System;
using System.Numerics;
using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Backends.Cpu.Parallel;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>
/// Stride-1 "same" 2-D convolution as a matrix product, so it runs at SGEMM speed: per image,
/// output[Cout, H·W] = weight[Cout, Cin·k·k] · lowered[Cin·k·k, H·W], where lowered (im2col) holds for every
/// (channel, ky, kx) row the input shifted by (ky − pad, kx − pad) with zeros outside. A 1×1 convolution multiplies
/// the input directly. Lowering a 3×3 convolution copies the input nine times, so the positions are lowered in
/// chunks that keep the lowered block under <see cref="LoweredBudget"/> floats (a 256-channel 256×256 map would
/// otherwise need 600 MB); each chunk's product writes straight into its columns of the output (ldc = H·W).
/// </summary>
internal static unsafe class Convolution
{
    /// <summary>Floats of lowered input per chunk (16 MB): large enough that each chunk is a big, efficient GEMM.</summary>
    private const long LoweredBudget = 1 << 22;

    public static void Conv2d(float* input, float* weight, float* bias, float* output, int images, int inChannels, int outChannels, int height, int width, int kernel)
    {
        var plane = height * width;
        var depth = inChannels * kernel * kernel;
        if (kernel == 1)
        {
            for (var n = 0; n < images; n++)
                Multiply(weight, input + (nint)n * inChannels * plane, plane, output + (nint)n * outChannels * plane, plane, outChannels, depth, plane);
        }
        else
        {
            var chunks = (int)Math.Max(1, ((long)depth * plane + LoweredBudget - 1) / LoweredBudget);
            // Whole multiples of 16 positions keep the GEMM's column tiles full.
            var chunk = Math.Min(plane, ((plane + chunks - 1) / chunks + 15) / 16 * 16);
            // Rented straight from the pool, without a tensor handle, so a warmed-up call allocates nothing.
            var block = NativeMemoryPool.Shared.Rent((nuint)Math.Max(1, (long)depth * chunk) * sizeof(float), out var capacity);
            try
            {
                LowerAndMultiply(input, weight, output, (float*)block, images, inChannels, outChannels, height, width, kernel, chunk);
            }
            finally
            {
                NativeMemoryPool.Shared.Return(block, capacity);
            }
        }

        if (bias != null)
        {
            var add = new BiasOperands { Output = output, Bias = bias, Channels = outChannels, Plane = plane };
            RangeParallel<BiasOperands>.For(images * outChannels, (long)images * outChannels * plane, add, &AddBias);
        }
    }

    /// <summary>Per image and chunk of positions: lower into <paramref name="buffer"/>, then one GEMM into the chunk's output columns.</summary>
    private static void LowerAndMultiply(float* input, float* weight, float* output, float* buffer, int images, int inChannels, int outChannels, int height, int width, int kernel, int chunk)
    {
        var plane = height * width;
        var depth = inChannels * kernel * kernel;
        for (var n = 0; n < images; n++)
        {
            var image = input + (nint)n * inChannels * plane;
            var result = output + (nint)n * outChannels * plane;
            for (var start = 0; start < plane; start += chunk)
            {
                var length = Math.Min(chunk, plane - start);
                var lower = new LowerOperands
                {
                    Image = image, Lowered = buffer, Height = height, Width = width, Kernel = kernel,
                    Start = start, Length = length, Stride = chunk,
                };
                RangeParallel<LowerOperands>.For(depth, (long)depth * length, lower, &Lower);
                Multiply(weight, buffer, chunk, result + start, plane, outChannels, depth, length);
            }
        }
    }

    /// <summary>c[M, N] (row stride ldc) = a[M, K] · b[K, N] (row stride ldb).</summary>
    private static void Multiply(float* a, float* b, nint ldb, float* c, nint ldc, int m, int k, int n) =>
        Sgemm.Multiply(new GemmProblem(m, n, k, 1f, MatrixView.RowMajor(a, k, false), MatrixView.RowMajor(b, ldb, false), c, ldc, null));

    private struct LowerOperands
    {
        public float* Image;
        public float* Lowered;
        public int Height;
        public int Width;
        public int Kernel;
        public int Start;
        public int Length;
        public int Stride;
    }

    /// <summary>Rows [first, end) of the lowered block: row (c, ky, kx) holds, for positions Start..Start+Length, the input
    /// of channel c at (y + ky − pad, x + kx − pad), or 0 outside the map. Copies whole row segments.</summary>
    private static void Lower(in LowerOperands o, int first, int end)
    {
        int k = o.Kernel, w = o.Width, pad = k / 2;
        for (var row = first; row < end; row++)
        {
            var source = o.Image + (nint)(row / (k * k)) * o.Height * w;
            int dy = row / k % k - pad, dx = row % k - pad;
            var destination = o.Lowered + (nint)row * o.Stride - o.Start;
            int p = o.Start, stop = o.Start + o.Length;
            while (p < stop)
            {
                int y = p / w, x0 = p % w;
                var x1 = Math.Min(w, x0 + stop - p);
                var d = destination + p - x0;
                var sourceRow = y + dy;
                if (sourceRow < 0 || sourceRow >= o.Height)
                {
                    new Span<float>(d + x0, x1 - x0).Clear();
                }
                else
                {
                    // Columns whose source x + dx lies inside the row; the rest are padding.
                    int validStart = Math.Clamp(-dx, x0, x1), validEnd = Math.Clamp(w - dx, validStart, x1);
                    new Span<float>(d + x0, validStart - x0).Clear();
                    new ReadOnlySpan<float>(source + (nint)sourceRow * w + validStart + dx, validEnd - validStart).CopyTo(new Span<float>(d + validStart, validEnd - validStart));
                    new Span<float>(d + validEnd, x1 - validEnd).Clear();
                }

                p += x1 - x0;
            }
        }
    }

    private struct BiasOperands
    {
        public float* Output;
        public float* Bias;
        public int Channels;
        public int Plane;
    }

    private static void AddBias(in BiasOperands o, int first, int end)
    {
        var lanes = Vector<float>.Count;
        for (var r = first; r < end; r++)
        {
            var row = o.Output + (nint)r * o.Plane;
            var b = o.Bias[r % o.Channels];
            var v = new Vector<float>(b);
            var i = 0;
            for (; i <= o.Plane - lanes; i += lanes)
                (Vector.Load(row + i) + v).Store(row + i);
            for (; i < o.Plane; i++)
                row[i] += b;
        }
    }
}
