using System.Runtime.InteropServices;

namespace QRecipe.Runtime.Cuda.Interop;

/// <summary>The NVRTC entry points (nvrtc.h): program creation, compilation, PTX/CUBIN retrieval, the log and the
/// version. nvrtcGetCUBIN and the supported-architecture queries need NVRTC 11.2 or later.</summary>
internal sealed unsafe class NvrtcApi
{
    public const int CompilationError = 6;

    public readonly delegate* unmanaged<int*, int*, int> Version;
    public readonly delegate* unmanaged<int*, int> GetNumSupportedArchs;
    public readonly delegate* unmanaged<int*, int> GetSupportedArchs;
    public readonly delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int> CreateProgram;
    public readonly delegate* unmanaged<nint, int, byte**, int> CompileProgram;
    public readonly delegate* unmanaged<nint*, int> DestroyProgram;
    public readonly delegate* unmanaged<nint, nuint*, int> GetPtxSize;
    public readonly delegate* unmanaged<nint, byte*, int> GetPtx;
    public readonly delegate* unmanaged<nint, nuint*, int> GetCubinSize;
    public readonly delegate* unmanaged<nint, byte*, int> GetCubin;
    public readonly delegate* unmanaged<nint, nuint*, int> GetProgramLogSize;
    public readonly delegate* unmanaged<nint, byte*, int> GetProgramLog;
    private readonly delegate* unmanaged<int, byte*> getErrorString;

    public NvrtcApi(nint library)
    {
        var e = new Exports(library, CudaLibrary.Nvrtc);
        Version = (delegate* unmanaged<int*, int*, int>)e["nvrtcVersion"];
        GetNumSupportedArchs = (delegate* unmanaged<int*, int>)e["nvrtcGetNumSupportedArchs"];
        GetSupportedArchs = (delegate* unmanaged<int*, int>)e["nvrtcGetSupportedArchs"];
        CreateProgram = (delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int>)e["nvrtcCreateProgram"];
        CompileProgram = (delegate* unmanaged<nint, int, byte**, int>)e["nvrtcCompileProgram"];
        DestroyProgram = (delegate* unmanaged<nint*, int>)e["nvrtcDestroyProgram"];
        GetPtxSize = (delegate* unmanaged<nint, nuint*, int>)e["nvrtcGetPTXSize"];
        GetPtx = (delegate* unmanaged<nint, byte*, int>)e["nvrtcGetPTX"];
        GetCubinSize = (delegate* unmanaged<nint, nuint*, int>)e["nvrtcGetCUBINSize"];
        GetCubin = (delegate* unmanaged<nint, byte*, int>)e["nvrtcGetCUBIN"];
        GetProgramLogSize = (delegate* unmanaged<nint, nuint*, int>)e["nvrtcGetProgramLogSize"];
        GetProgramLog = (delegate* unmanaged<nint, byte*, int>)e["nvrtcGetProgramLog"];
        getErrorString = (delegate* unmanaged<int, byte*>)e["nvrtcGetErrorString"];
    }

    public void Check(int result, string call)
    {
        if (result != 0)
            throw new CudaException($"{call} failed: {Marshal.PtrToStringUTF8((nint)getErrorString(result))} ({result})");
    }
}
