using System.CommandLine;
using System.IO;
using QRecipe.Runtime.Cuda.Benchmarks;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe bench --device cuda</c>: cuBLAS GEMMs against the CPU SGEMM, SC kernel throughput, DiT-XL/2
/// forward and sampling time (<see cref="CudaBenchmarks"/>). Exit 3 when there is no usable device.</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var device = CudaOptions.Device();
        var gpu = CudaOptions.Gpu();
        var repeats = new Option<int>("--repeats") { Description = "Timed runs per measurement (median reported)", DefaultValueFactory = _ => 5 };
        var steps = new Option<int>("--steps") { Description = "DDIM steps of the DiT-XL/2 sampling run (0 skips it)", DefaultValueFactory = _ => 50 };
        var command = new Command("bench", "Measure GEMM, SC kernel and DiT-XL/2 speed on a device");
        foreach (var option in new Option[] { device, gpu, repeats, steps })
            command.Options.Add(option);
        command.SetAction(result =>
        {
            using var cuda = CudaOptions.Open(result.GetValue(gpu), error);
            if (cuda is null)
                return CliApp.RuntimeFailure;
            CudaOptions.Describe(cuda, output);
            output.WriteLine($"{"measurement",-40} {"shape",-22} {"ms",10} {"rate",-22} note");
            foreach (var row in CudaBenchmarks.Run(cuda, result.GetValue(repeats), result.GetValue(steps)))
                output.WriteLine($"{row.Name,-40} {row.Shape,-22} {row.Milliseconds,10:F3} {row.Rate,-22} {row.Note}");
            return 0;
        });
        return command;
    }
}
