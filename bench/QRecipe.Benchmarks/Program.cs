using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Running;

namespace QRecipe.Benchmarks;

/// <summary>Entry point: every benchmark class in this assembly, selected with BenchmarkDotNet's --filter;
/// "peer-sgemm [seconds]", "peer-elementwise [seconds]" and "peer-fma" print the plain-text lines that
/// bench/run-sgemm-comparison.sh reads, "peer-dit [model[,model]] [seconds]" those of bench/run-dit-comparison.sh;
/// "peer-ort-dit [model[,model]] [seconds] [cache]" our forward against ONNX Runtime (<see cref="OrtDitHarness"/>,
/// bench/run-ort-comparison.sh), "peer-ort-memory model side [cache]" one side's peak memory alone,
/// "peer-ort-profile [model] [forwards] [cache]" both forwards' time per operation (<see cref="DitProfileHarness"/>),
/// "peer-ort-sgemm [seconds] [cache]" ONNX Runtime on the SGEMM shapes (<see cref="OrtSgemmHarness"/>);
/// "sc-interleaved [rounds]" prints the SC ratios measured pairwise (<see cref="ScInterleavedHarness"/>);
/// "peer-attention [rounds]" a block's attention step by step against the fused call (<see cref="AttentionHarness"/>);
/// "finite-checks [forwards]" what the NaN/±∞ checks cost against the forward and the load (<see cref="FiniteCheckHarness"/>);
/// "peer-hessian [rounds]" the GPTQ Hessian update against SGEMM of the same XᵀX (<see cref="HessianPeerHarness"/>);
/// "cholesky [rounds]" GPTQ's float64 factorisation and inverse (<see cref="CholeskyHarness"/>).</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        // Only the peer harnesses take a duration; every other argument list belongs to BenchmarkDotNet (--filter X).
        double Seconds() => args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 1.0;
        switch (args.FirstOrDefault())
        {
            case "peer-sgemm":
                SgemmPeerHarness.Run(Seconds());
                break;
            case "peer-elementwise":
                ElementwisePeerHarness.Run(Seconds());
                break;
            case "peer-dit":
                DitPeerHarness.Run(args.Length > 1 ? args[1].Split(',') : ["dit-s/2"],
                    args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 3.0);
                break;
            case "peer-ort-dit":
                OrtDitHarness.Run(args.Length > 1 ? args[1].Split(',') : ["dit-s/2"],
                    args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 3.0, args.Length > 3 ? args[3] : OrtDit.DefaultCache);
                break;
            case "peer-ort-memory":
                OrtDitHarness.Peak(args[1], args[2], args.Length > 3 ? args[3] : OrtDit.DefaultCache);
                break;
            case "peer-ort-profile":
                DitProfileHarness.Run(args.Length > 1 ? args[1] : "dit-s/2", args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5,
                    args.Length > 3 ? args[3] : OrtDit.DefaultCache);
                break;
            case "peer-ort-sgemm":
                OrtSgemmHarness.Run(Seconds(), args.Length > 2 ? args[2] : OrtDit.DefaultCache);
                break;
            case "peer-fma":
                FmaPeakHarness.Run();
                break;
            case "sc-interleaved":
                ScInterleavedHarness.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10);
                break;
            case "peer-hessian":
                HessianPeerHarness.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7);
                break;
            case "peer-attention":
                AttentionHarness.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200);
                break;
            case "cholesky":
                CholeskyHarness.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3);
                break;
            case "finite-checks":
                FiniteCheckHarness.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100);
                break;
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                break;
        }
    }
}
