namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>
/// A register-tiled kernel: one <see cref="Rows"/>×<see cref="Columns"/> tile of C from a packed A micro-panel
/// (kc steps of Rows floats) and a packed B micro-panel (kc steps of Columns floats):
/// <c>C[i, j] = alpha·Σ_p A[p, i]·B[p, j] + addend[i·addendRowStride + j]</c>. The addend is the bias row (stride 0)
/// on the first K block and C itself on later ones, so bias and K-blocking cost no extra pass.
/// Implemented by structs so that the generic driver is specialised per kernel.
/// </summary>
internal unsafe interface IMicroKernel
{
    static abstract int Rows { get; }

    static abstract int Columns { get; }

    static abstract void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float* addend, nint addendRowStride);

    /// <summary>A partial tile (<paramref name="rows"/> ≤ Rows, <paramref name="columns"/> ≤ Columns) written straight
    /// into C with the same operations per element as <see cref="Run"/>; false where the kernel has no narrower form
    /// for this width, and the driver computes the full tile into scratch instead.</summary>
    static abstract bool TryRunEdge(int kc, float* a, float* b, float* c, nint ldc, float alpha, float* addend, nint addendRowStride, int rows,
        int columns);
}
