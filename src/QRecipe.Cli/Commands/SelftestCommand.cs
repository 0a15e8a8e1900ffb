using System.CommandLine;
using System.IO;
using System.Linq;
using QRecipe.Runtime.Cuda.SelfTest;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe selftest --device cuda</c>: every CUDA kernel against the CPU backend and SC engine on seeded
/// inputs, one pass/fail line each. Exit 0 when all pass, 1 when any fails, 3 when there is no usable device.</summary>
internal static class SelftestCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var device = CudaOptions.Device();
        var gpu = CudaOptions.Gpu();
        var filter = new Option<string?>("--filter") { Description = "Run only the checks whose names contain this text" };
        var command = new Command("selftest", "Check every device kernel against the CPU backend on seeded inputs");
        command.Options.Add(device);
        command.Options.Add(gpu);
        command.Options.Add(filter);
        command.SetAction(result =>
        {
            using var cuda = CudaOptions.Open(result.GetValue(gpu), error);
            if (cuda is null)
                return CliApp.RuntimeFailure;
            CudaOptions.Describe(cuda, output);
            output.WriteLine($"{"check",-42} {"result",-6} {"error",9} {"tolerance",9}  detail");
            var results = CudaSelfTest.Run(cuda, result.GetValue(filter), r =>
                output.WriteLine($"{r.Name,-42} {(r.Passed ? "pass" : "FAIL"),-6} {r.Error,9:E1} {r.Tolerance,9:E0}  {r.Detail}"));
            var failed = results.Count(r => !r.Passed);
            output.WriteLine($"{results.Count - failed} of {results.Count} checks passed");
            return failed == 0 ? 0 : CliApp.RecipeErrors;
        });
        return command;
    }
}
