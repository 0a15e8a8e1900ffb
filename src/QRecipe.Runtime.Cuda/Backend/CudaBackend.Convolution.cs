using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Cuda.Backend;

/// <summary>Stride-1 "same" convolution as im2col (Kernels/layout.cu) and one cuBLAS GEMM per image:
/// output[n] [Cout, H·W] = weight [Cout, Cin·k·k] · columns [Cin·k·k, H·W], then the channel bias.</summary>
public sealed partial class CudaBackend
{
    public void Conv2d(Tensor input, Tensor weight, Tensor? bias, Tensor output)
    {
        var (n, cin, cout, h, w, k) = TensorChecks.Conv2d(nameof(Conv2d), input, weight, bias, output);
        var plane = (long)h * w;
        var depth = cin * k * k;
        ulong x = In(input), kernel = In(weight), b = bias is null ? 0 : In(bias), y = Out(output);
        using var columns = device.Allocate<float>(depth * plane);
        for (var image = 0; image < n; image++)
        {
            device.LaunchElements(Layout, "im2col_same", depth * plane, new KernelArguments()
                .ULong(x + (ulong)(image * cin * plane * sizeof(float))).Pointer(columns).Int(h).Int(w).Int(k).Long(depth * plane));
            blas.Gemm(kernel, columns.Pointer, y + (ulong)(image * cout * plane * sizeof(float)), cout, (int)plane, depth,
                false, false, depth, (int)plane, 1f, 1, Precision);
        }

        if (bias is not null)
            device.LaunchElements(Elementwise, "add_bias_channels", output.ElementCount,
                new KernelArguments().ULong(y).ULong(b).Int(cout).Long(plane).Long(output.ElementCount));
    }
}
