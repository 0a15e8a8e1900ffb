using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using QRecipe.Runtime.Cuda.Interop;

namespace QRecipe.Runtime.Cuda.Compilation;

/// <summary>Compiles CUDA C++ kernel sources with NVRTC. Needs no GPU, so CI compiles every kernel for sm_80 and sm_90
/// with it. Options: precise math (no --use_fast_math: the kernels must agree with the CPU backend), C++17.</summary>
internal sealed unsafe class NvrtcCompiler
{
    private readonly NvrtcApi api;

    private NvrtcCompiler(NvrtcApi api)
    {
        this.api = api;
        int major, minor;
        api.Check(api.Version(&major, &minor), "nvrtcVersion");
        Version = new Version(major, minor);
        int count;
        api.Check(api.GetNumSupportedArchs(&count), "nvrtcGetNumSupportedArchs");
        var archs = new int[count];
        fixed (int* p = archs)
            api.Check(api.GetSupportedArchs(p), "nvrtcGetSupportedArchs");
        SupportedArchitectures = archs;
    }

    public Version Version { get; }

    /// <summary>Architectures NVRTC can emit CUBIN for, e.g. 35..90 for CUDA 11.8.</summary>
    public IReadOnlyList<int> SupportedArchitectures { get; }

    /// <summary>Loads NVRTC through <paramref name="locator"/>; throws <see cref="CudaUnavailableException"/> when missing.</summary>
    public static NvrtcCompiler Load(CudaLibraryLocator locator) => new(new NvrtcApi(locator.Load(CudaLibrary.Nvrtc)));

    /// <summary>CUBIN bytes, or NUL-terminated PTX, of <paramref name="source"/>; a compile error throws with the
    /// NVRTC log, naming the file and the target.</summary>
    public byte[] Compile(string fileName, string source, KernelTarget target)
    {
        nint program;
        var sourceBytes = Utf8(source);
        var nameBytes = Utf8(fileName);
        fixed (byte* s = sourceBytes, n = nameBytes)
            api.Check(api.CreateProgram(&program, s, n, 0, null, null), "nvrtcCreateProgram");
        try
        {
            string[] options = [target.Option, "-std=c++17", "--fmad=true"];
            var optionBytes = new byte[options.Length][];
            var handles = new GCHandle[options.Length];
            var pointers = stackalloc byte*[options.Length];
            for (var i = 0; i < options.Length; i++)
            {
                optionBytes[i] = Utf8(options[i]);
                handles[i] = GCHandle.Alloc(optionBytes[i], GCHandleType.Pinned);
                pointers[i] = (byte*)handles[i].AddrOfPinnedObject();
            }

            int result;
            try
            {
                result = api.CompileProgram(program, options.Length, pointers);
            }
            finally
            {
                foreach (var handle in handles)
                    handle.Free();
            }

            if (result == NvrtcApi.CompilationError)
                throw new CudaException($"NVRTC {Version} failed to compile {fileName} for {target}:{Environment.NewLine}{Log(program)}");
            api.Check(result, $"nvrtcCompileProgram({fileName}, {target})");
            return target.Cubin ? Read(program, api.GetCubinSize, api.GetCubin, "CUBIN") : Read(program, api.GetPtxSize, api.GetPtx, "PTX");
        }
        finally
        {
            api.DestroyProgram(&program);
        }
    }

    private string Log(nint program)
    {
        var bytes = Read(program, api.GetProgramLogSize, api.GetProgramLog, "ProgramLog");
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0', '\n');
    }

    private byte[] Read(nint program, delegate* unmanaged<nint, nuint*, int> size, delegate* unmanaged<nint, byte*, int> get, string what)
    {
        nuint length;
        api.Check(size(program, &length), $"nvrtcGet{what}Size");
        var bytes = new byte[(int)length];
        fixed (byte* p = bytes)
            api.Check(get(program, p), $"nvrtcGet{what}");
        return bytes;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");
}
