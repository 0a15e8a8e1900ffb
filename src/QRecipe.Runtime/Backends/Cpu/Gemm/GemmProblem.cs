namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>What the SGEMM applies to each tile of C once its last K block is added, while the tile is in cache.</summary>
internal enum GemmEpilogue
{
    None,

    /// <summary>GELU (tanh approximation), as <see cref="Ops.Activations.Gelu"/> computes it.</summary>
    Gelu,
}

/// <summary>C[M×N] = Epilogue(Alpha·A[M×K]·B[K×N] + Bias) (Bias: N floats broadcast over rows, or null). C is
/// row-major with <see cref="Ldc"/> floats per row.</summary>
internal readonly unsafe struct GemmProblem(int m, int n, int k, float alpha, MatrixView a, MatrixView b, float* c, nint ldc, float* bias,
    GemmEpilogue epilogue = GemmEpilogue.None)
{
    public int M { get; } = m;

    public int N { get; } = n;

    public int K { get; } = k;

    public float Alpha { get; } = alpha;

    public MatrixView A { get; } = a;

    public MatrixView B { get; } = b;

    public float* C { get; } = c;

    public nint Ldc { get; } = ldc;

    public float* Bias { get; } = bias;

    public GemmEpilogue Epilogue { get; } = epilogue;

    public double FlopCount => 2.0 * M * N * K;
}
