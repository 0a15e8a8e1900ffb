using System;
using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Sc.Kernels;

/// <summary>
/// The codes and row-table entries of this thread's last batched (3-D) call, overwritten by the next call of the same
/// shape: the runner makes every attention product with the same shapes at every step, and these arrays (3.8 MB for
/// DiT-XL/2's 16 heads) were most of a call's garbage. Partials of a 3-D call are therefore valid until the thread's
/// next batched call; every caller decodes them at once.
/// </summary>
internal sealed class ScBatchedWorkspace
{
    [ThreadStatic]
    private static ScBatchedWorkspace? current;

    private ScBatchedWorkspace(int batch) =>
        (A, B, Index) = (new ScCodes?[batch], new ScCodes?[batch], new ushort[]?[batch]);

    public ScCodes?[] A { get; }
    public ScCodes?[] B { get; }
    public ushort[]?[] Index { get; }

    /// <summary>This thread's workspace for a batch of this many slices (new when the batch size changed).</summary>
    public static ScBatchedWorkspace ForThisThread(int batch)
    {
        if (current is null || current.A.Length != batch)
            current = new ScBatchedWorkspace(batch);
        return current;
    }
}
