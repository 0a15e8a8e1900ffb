using System;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>
/// Many independent GEMMs of one shape (attention: one per batch and head), at fixed element strides between
/// consecutive operands. With at least as many matrices as workers each worker takes a contiguous range of whole
/// matrices; otherwise the matrices run one after another, each split over all workers.
/// </summary>
internal static unsafe class BatchedSgemm
{
    /// <summary>Runs <paramref name="count"/> problems: problem b is <paramref name="first"/> with A, B, C (and the
    /// bias, if any) advanced by b times the given strides.</summary>
    public static void Multiply(in GemmProblem first, int count, nint strideA, nint strideB, nint strideC) =>
        Multiply(first, count, strideA, strideB, strideC, Sgemm.Default);

    public static void Multiply(in GemmProblem first, int count, nint strideA, nint strideB, nint strideC, SgemmKernelKind kernel)
    {
        var workers = CpuWorkerPool.Shared.WorkerCount;
        if (count >= workers && (long)first.M * first.N * first.K * count >= GemmBlocking.ParallelThreshold)
        {
            var job = BatchJob.ForCurrentThread;
            job.First = first;
            job.Count = count;
            job.StrideA = strideA;
            job.StrideB = strideB;
            job.StrideC = strideC;
            job.Kernel = kernel;
            CpuWorkerPool.Shared.Run(job);
            return;
        }

        for (var b = 0; b < count; b++)
            Sgemm.Multiply(At(first, b, strideA, strideB, strideC), kernel);
    }

    private static GemmProblem At(in GemmProblem first, int index, nint strideA, nint strideB, nint strideC) =>
        new(first.M, first.N, first.K, first.Alpha,
            new MatrixView(first.A.Data + index * strideA, first.A.RowStride, first.A.ColumnStride),
            new MatrixView(first.B.Data + index * strideB, first.B.RowStride, first.B.ColumnStride),
            first.C + index * strideC, first.Ldc, first.Bias);

    private sealed class BatchJob : IParallelWork
    {
        [ThreadStatic]
        private static BatchJob? perThread;

        public static BatchJob ForCurrentThread => perThread ??= new BatchJob();

        public GemmProblem First { get; set; }

        public int Count { get; set; }

        public nint StrideA { get; set; }

        public nint StrideB { get; set; }

        public nint StrideC { get; set; }

        public SgemmKernelKind Kernel { get; set; }

        public void Execute(int worker, int workerCount)
        {
            var start = (int)((long)Count * worker / workerCount);
            var end = (int)((long)Count * (worker + 1) / workerCount);
            for (var b = start; b < end; b++)
            {
                var problem = At(First, b, StrideA, StrideB, StrideC);
                Sgemm.MultiplyRange(problem, Kernel, 0, problem.M, 0, problem.N);
            }
        }
    }
}
