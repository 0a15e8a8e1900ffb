using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Sequences;

namespace QRecipe.Runtime.Sc.Oracle;

/// <summary>
/// Test oracle: the SC hardware simulated literally, one cycle at a time, with no tables and no shortcuts.
/// Enable kernel: a's bit gates both the AND and the advance of b's RNG index. Legacy kernels: two
/// independent streams combined by XNOR/AND. Only for tests and the oracle benchmark: it costs D·L steps per output.
/// </summary>
internal static class NaiveScSimulator
{
    public static int[] Enable(ScCodes a, ScCodes b, ScSequences sequences)
    {
        int n = a.Rows, m = b.Rows, dims = a.Dims, length = sequences.Length;
        var acc = new int[n * m];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < m; j++)
            {
                var total = 0;
                for (var d = 0; d < dims; d++)
                {
                    var ba = a.Boundary[i * dims + d];
                    var bb = b.Boundary[j * dims + d];
                    int e = 0, count = 0;
                    for (var t = 0; t < length; t++)
                    {
                        var aBit = sequences.A[d * length + t] < ba;
                        var bBit = sequences.B[d * length + e] < bb;
                        if (aBit && bBit)
                            count++;
                        if (aBit)
                            e++;
                    }

                    total += a.Sign[i * dims + d] * b.Sign[j * dims + d] * count;
                }

                acc[i * m + j] = total;
            }
        }

        return acc;
    }

    public static int[] Bitstream(ScCodes a, ScCodes b, ScSequences sequences)
    {
        var (xnor, p) = (BitstreamKernel.IsXnor(sequences), sequences.Geometry.P);
        int n = a.Rows, m = b.Rows, dims = a.Dims, length = sequences.Length;
        var acc = new int[n * m];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < m; j++)
            {
                var total = 0;
                for (var d = 0; d < dims; d++)
                {
                    var ta = BitstreamKernel.Threshold(a.Value[i * dims + d], xnor, p);
                    var tb = BitstreamKernel.Threshold(b.Value[j * dims + d], xnor, p);
                    var ones = 0;
                    for (var t = 0; t < length; t++)
                    {
                        var aBit = sequences.A[d * length + t] < ta;
                        var bBit = sequences.B[d * length + t] < tb;
                        if (xnor ? aBit == bBit : aBit && bBit)
                            ones++;
                    }

                    total += xnor ? 2 * ones - length : ones;
                }

                acc[i * m + j] = total;
            }
        }

        return acc;
    }
}
