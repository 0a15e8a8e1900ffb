namespace QRecipe.Runtime.Backends.Cpu.Parallel;

/// <summary>A job split over the workers of a <see cref="CpuWorkerPool"/>: every worker calls
/// <see cref="Execute"/> once with its index. Implementations are reusable objects so that dispatching a job
/// allocates nothing.</summary>
internal interface IParallelWork
{
    void Execute(int worker, int workerCount);
}
