using BenchmarkDotNet.Running;

namespace QRecipe.Benchmarks;

/// <summary>Entry point: every benchmark class in this assembly, selected with BenchmarkDotNet's --filter.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
