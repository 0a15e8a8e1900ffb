using System;
using System.CommandLine;
using System.IO;
using QRecipe.Cli.Output;
using QRecipe.Cli.Run;
using QRecipe.Plan;
using QRecipe.Plan.Text;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.IO;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Surrogate;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe sc matmul --a A.npy --b B.npy …</c>: one bit-exact SC product of operands captured from a
/// model, written as .npy, with its error against the exact product (relative Frobenius error, MSE, cosine).</summary>
internal static class ScMatmulCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var a = new Option<string>("--a") { Description = "Operand a: N x D, or H x N x D per head (.npy, float or integer)", Required = true };
        var b = new Option<string>("--b") { Description = "Operand b: M x D, or H x M x D (.npy); the product is a·bᵀ", Required = true };
        var granularity = Choice("--granularity", "Scale scope", "per-row", "per-tensor", "per-row", "per-head");
        var mode = Choice("--mode", "Encoding", "bipolar", "bipolar", "unipolar");
        var kernel = Choice("--kernel", "Stream combination kernel", "enable", "enable", "xnor", "and");
        var precision = new Option<int>("--precision") { Description = "SC precision p (1..15)", DefaultValueFactory = _ => 8 };
        var stream = new Option<int?>("--stream") { Description = "Stream length L (1..2^p; default 2^p)" };
        var grid = new Option<int?>("--grid") { Description = "Enable grid G (rng_levels; default 2^p)" };
        var halve = new Option<bool>("--halve") { Description = "Bipolar products at half stream length" };
        var scramble = Choice("--scramble", "Sobol scrambling", "bitrev", "bitrev", "counter", "off", "random");
        var scrambleSeed = new Option<ulong>("--scramble-seed") { Description = "Seed of the random scrambling" };
        var chunk = new Option<int>("--chunk") { Description = "chunk_d: accumulate per-row products in chunks of C inputs (0 = off)" };
        var groupA = new Option<int>("--group-a") { Description = "Rows of a sharing one scale", DefaultValueFactory = _ => 1 };
        var groupB = new Option<int>("--group-b") { Description = "Rows of b sharing one scale", DefaultValueFactory = _ => 1 };
        var outFile = new Option<string?>("--out") { Description = "Write the SC product here (.npy float32)" };
        var noiseModel = new Option<bool>("--noise-model") { Description = "The Gaussian noise surrogate instead of the exact SC product" };
        var correction = new Option<double?>("--correction")
        {
            Description = $"Surrogate coefficient c (default {NoiseModel.DefaultLocal} per-row/per-head, {NoiseModel.DefaultGlobal} per-tensor; 0 = plain quantized product)",
        };
        var noiseSeed = new Option<ulong>("--noise-seed") { Description = "Seed of the surrogate's Philox noise" };
        var matmul = new Command("matmul", "One bit-exact SC product of two .npy operands, with its error against the exact product");
        foreach (var option in new Option[] { a, b, granularity, mode, kernel, precision, stream, grid, halve, scramble, scrambleSeed, chunk, groupA, groupB, noiseModel, correction, noiseSeed, outFile })
            matmul.Options.Add(option);
        matmul.SetAction(result =>
        {
            var options = new ScOptions
            {
                Precision = result.GetValue(precision),
                Stream = result.GetValue(stream),
                Grid = result.GetValue(grid),
                Halve = result.GetValue(halve),
                Mode = result.GetRequiredValue(mode) == "bipolar" ? ScMode.Bipolar : ScMode.Unipolar,
                Kernel = result.GetRequiredValue(kernel) switch { "xnor" => ScKernel.Xnor, "and" => ScKernel.And, _ => ScKernel.Enable },
                Scramble = result.GetRequiredValue(scramble) switch { "counter" => ScScramble.Counter, "off" => ScScramble.Off, "random" => ScScramble.Random, _ => ScScramble.Bitrev },
                ScrambleSeed = result.GetValue(scrambleSeed),
                Granularity = result.GetRequiredValue(granularity) switch { "per-tensor" => ScGranularity.PerTensor, "per-head" => ScGranularity.PerHead, _ => ScGranularity.PerRow },
                Chunk = result.GetValue(chunk),
                GroupA = result.GetValue(groupA),
                GroupB = result.GetValue(groupB),
            };
            var surrogate = result.GetValue(noiseModel) ? new Surrogate(result.GetValue(correction), result.GetValue(noiseSeed)) : null;
            if (surrogate is null && result.GetValue(correction) is not null)
            {
                error.WriteLine("qrecipe: sc matmul: --correction needs --noise-model");
                return CliApp.UsageError;
            }
            // The SC settings are options: out of range (--stream 512 at p 8, --precision 16) is a usage error, checked
            // before any file is read.
            try
            {
                options.Resolve();
            }
            catch (ArgumentException e)
            {
                error.WriteLine("qrecipe: sc matmul: " + SafeText.Escape(UserMessage.Of(e)));
                return CliApp.UsageError;
            }
            return Run(result.GetRequiredValue(a), result.GetRequiredValue(b), options, surrogate, result.GetValue(outFile), output, error);
        });
        var sc = new Command("sc", "Stochastic-computing tools for operand studies");
        sc.Subcommands.Add(matmul);
        return sc;
    }

    private static Option<string> Choice(string name, string description, string fallback, params string[] values)
    {
        var option = new Option<string>(name) { Description = $"{description}: {string.Join(", ", values)} (default {fallback})", DefaultValueFactory = _ => fallback };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    /// <summary>The noise surrogate's settings: c (null: the default of the scale scope) and the noise seed.</summary>
    private sealed record Surrogate(double? Correction, ulong Seed);

    private static int Run(string aPath, string bPath, ScOptions options, Surrogate? surrogate, string? outFile, TextWriter output, TextWriter error)
    {
        // As docs/cli.md's exit codes say: a path that does not exist is a usage error (2), a file that cannot be
        // read or is not a usable .npy an input error (1).
        if (!InputFile.Exists("--a", aPath, error) || !InputFile.Exists("--b", bPath, error))
            return CliApp.UsageError;
        NpyArray a, b;
        try
        {
            a = NpyFile.Read(aPath);
            b = NpyFile.Read(bPath);
        }
        catch (InvalidDataException e)
        {
            error.WriteLine("qrecipe: " + SafeText.Escape(e.Message));
            return CliApp.RecipeErrors;
        }
        if (a.Shape.Count != b.Shape.Count || a.Shape.Count is not (2 or 3) || a.Shape[^1] != b.Shape[^1] || (a.Shape.Count == 3 && a.Shape[0] != b.Shape[0]))
        {
            error.WriteLine($"qrecipe: sc matmul multiplies a (N x D) by b (M x D), or per head (H x N x D) by (H x M x D); got a ({ShortList.Join(", ", a.Shape)}) and b ({ShortList.Join(", ", b.Shape)})");
            return CliApp.UsageError;
        }
        var threeD = a.Shape.Count == 3;
        int batch = threeD ? a.Shape[0] : 1, n = a.Shape[^2], m = b.Shape[^2], d = a.Shape[^1];
        if (!Fits(a, b, batch, n, m, d, options, surrogate is null, error))
            return CliApp.RecipeErrors;
        float[] product;
        try
        {
            var fa = a.ToSingles();
            var fb = b.ToSingles();
            product = surrogate is null
                ? threeD ? ScMatmul.MultiplyBatched(fa, fb, batch, n, m, d, options) : ScMatmul.Multiply(fa, n, fb, m, d, options)
                : SurrogateProduct(fa, fb, batch, n, m, d, threeD, options, surrogate);
        }
        catch (ArgumentException e)
        {
            error.WriteLine("qrecipe: sc matmul: " + SafeText.Escape(UserMessage.Of(e)));
            return CliApp.RecipeErrors;
        }
        var exact = ExactProduct(a.Values, b.Values, batch, n, m, d);
        double difference = 0, norm = 0, dot = 0, productNorm = 0;
        for (var i = 0; i < exact.Length; i++)
        {
            double e = exact[i], p = product[i];
            difference += (p - e) * (p - e);
            norm += e * e;
            dot += e * p;
            productNorm += p * p;
        }
        var geometry = options.Resolve();
        var method = surrogate is null ? $"{options.Kernel.ToString().ToLowerInvariant()} kernel" : $"noise surrogate c {Coefficient(options, surrogate)}, seed {surrogate.Seed}";
        output.WriteLine(FormattableString.Invariant($"sc matmul {(threeD ? $"{batch} x " : string.Empty)}{n} x {d} · ({m} x {d})ᵀ, p {geometry.P}, L {geometry.L}, grid {geometry.G}, {options.Mode.ToString().ToLowerInvariant()}, {method}"));
        output.WriteLine(FormattableString.Invariant($"relative error {Math.Sqrt(difference / Math.Max(norm, double.Epsilon)):0.000000e+0}"));
        output.WriteLine(FormattableString.Invariant($"mse {difference / exact.Length:0.000000e+0}"));
        output.WriteLine(FormattableString.Invariant($"cosine {dot / Math.Sqrt(Math.Max(norm * productNorm, double.Epsilon)):0.00000000}"));
        if (outFile is not null)
        {
            var shape = threeD ? new[] { batch, n, m } : new[] { n, m };
            NpyFile.WriteSingles(outFile, product, shape);
        }
        return 0;
    }

    /// <summary>False after one line when the options are invalid, the product has more elements than one array holds,
    /// or the memory the command holds at once exceeds what is available: the operands as read (float64) and as
    /// float32, the float64 exact product and, for an exact SC product, <see cref="ScMemoryEstimate"/> (its tables
    /// grow as 2^p: 2 GiB at p = 15); the surrogate's float32 output otherwise.</summary>
    private static bool Fits(NpyArray a, NpyArray b, int batch, int n, int m, int d, ScOptions options, bool exactSc, TextWriter error)
    {
        ScMemoryEstimate sc;
        try
        {
            sc = exactSc ? ScMemoryEstimate.For(options, batch, n, m, d) : new ScMemoryEstimate(0, 0, (double)batch * n * m * sizeof(float));
        }
        catch (ArgumentException e)
        {
            error.WriteLine("qrecipe: sc matmul: " + SafeText.Escape(UserMessage.Of(e)));
            return false;
        }
        var elements = (long)batch * n * m;
        var shapes = $"a ({ShortList.Join(", ", a.Shape)}) and b ({ShortList.Join(", ", b.Shape)})";
        if (elements > Array.MaxLength)
        {
            error.WriteLine($"qrecipe: sc matmul: the product of {shapes} has {elements} elements; one array holds at most {Array.MaxLength}");
            return false;
        }
        var operands = ((double)a.Values.Length + b.Values.Length) * (sizeof(double) + sizeof(float));
        var products = sc.ProductBytes + (double)elements * sizeof(double);
        var geometry = options.Resolve();
        return MemoryCheck.Fits($"sc matmul --precision {geometry.P} --stream {geometry.L} on {shapes}", operands + sc.CodeBytes + sc.TableBytes + products,
            $"operands {RunMemoryEstimate.Format(operands + sc.CodeBytes)}, tables {RunMemoryEstimate.Format(sc.TableBytes)}, products {RunMemoryEstimate.Format(products)}",
            error);
    }

    /// <summary>The surrogate at the options' stream length and scale scope: per-head for 3-D operands, per-row or
    /// per-tensor for 2-D ones (row groups, chunks and the kernel do not apply to it).</summary>
    private static float[] SurrogateProduct(float[] a, float[] b, int batch, int n, int m, int d, bool threeD, ScOptions options, Surrogate surrogate)
    {
        var c = Coefficient(options, surrogate);
        var noise = new NoiseModel(c, c);
        var stream = options.Resolve().L;
        if (threeD)
        {
            if (options.Granularity != ScGranularity.PerHead)
                throw new ArgumentException("the noise surrogate of 3-D operands is per head; pass --granularity per-head");
            return ScNoiseSurrogate.MultiplyBatched(a, b, batch, n, m, d, stream, noise, options.Mode, surrogate.Seed);
        }
        if (options.Granularity == ScGranularity.PerHead)
            throw new ArgumentException("per-head granularity needs 3-D operands (H x N x D)");
        return ScNoiseSurrogate.Multiply(a, n, b, m, d, stream, noise, options.Granularity == ScGranularity.PerRow, options.Mode, surrogate.Seed);
    }

    private static double Coefficient(ScOptions options, Surrogate surrogate) =>
        surrogate.Correction ?? (options.Granularity == ScGranularity.PerTensor ? NoiseModel.DefaultGlobal : NoiseModel.DefaultLocal);

    /// <summary>a·bᵀ per slice in float64.</summary>
    private static double[] ExactProduct(double[] a, double[] b, int batch, int n, int m, int d)
    {
        var result = new double[batch * n * m];
        for (var s = 0; s < batch; s++)
        {
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < m; j++)
                {
                    double sum = 0;
                    for (var k = 0; k < d; k++)
                        sum += a[(s * n + i) * d + k] * b[(s * m + j) * d + k];
                    result[(s * n + i) * m + j] = sum;
                }
            }
        }
        return result;
    }
}
