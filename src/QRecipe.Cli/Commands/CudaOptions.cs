using System;
using System.CommandLine;
using System.IO;
using QRecipe.Plan.Text;
using QRecipe.Runtime.Cuda;
using QRecipe.Runtime.Devices;

namespace QRecipe.Cli.Commands;

/// <summary>The options shared by <c>selftest</c> and <c>bench</c>: the device kind (only cuda has device kernels to
/// check) and the GPU ordinal; opening the device turns a missing library or GPU into one message and exit code 3.</summary>
internal static class CudaOptions
{
    public static Option<string> Device()
    {
        var option = new Option<string>("--device") { Description = "Device to test: cuda", Required = true };
        option.AcceptOnlyFromAmong("cuda");
        return option;
    }

    public static Option<int> Gpu() => new("--gpu") { Description = "CUDA device ordinal (default 0)" };

    /// <summary>The device, or null after writing what is missing to <paramref name="error"/>.</summary>
    public static CudaDevice? Open(int ordinal, TextWriter error)
    {
        try
        {
            return CudaDevice.Open(ordinal);
        }
        catch (CudaUnavailableException e)
        {
            Unavailable("CUDA is not available: " + e.Message, error);
            return null;
        }
    }

    /// <summary>The compute device of <c>run --device</c> (GPU <paramref name="gpu"/> for cuda), or null after writing what
    /// is missing to <paramref name="error"/> (nothing has been created then).</summary>
    public static IComputeDevice? OpenCompute(string device, int gpu, TextWriter error)
    {
        try
        {
            return ComputeDevices.Open(device == "cuda" ? $"cuda:{gpu}" : device);
        }
        catch (ComputeDeviceException e)
        {
            Unavailable(e.Message, error);
            return null;
        }
    }

    /// <summary>The message for a missing driver, library or GPU.</summary>
    private static void Unavailable(string reason, TextWriter error)
    {
        error.WriteLine("qrecipe: " + SafeText.Escape(reason));
        error.WriteLine("The CPU backend is unaffected; docs/cuda.md says how to run on a GPU machine.");
    }

    public static void Describe(CudaDevice device, TextWriter output) =>
        output.WriteLine($"device {device.Name}, sm_{device.Architecture}, {device.Multiprocessors} SMs, {device.TotalMemory >> 20} MiB; " +
                         $"driver CUDA {device.DriverVersion}, NVRTC {device.NvrtcVersion}, kernels built for {device.Target}; {Environment.ProcessorCount} CPU threads");
}
