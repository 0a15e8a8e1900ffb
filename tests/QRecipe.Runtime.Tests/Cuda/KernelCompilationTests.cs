using System.Linq;
using System.Text;
using QRecipe.Runtime.Cuda;
using QRecipe.Runtime.Cuda.Compilation;
using QRecipe.Runtime.Cuda.Interop;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>Every embedded kernel source compiles with NVRTC for A100 (sm_80) and H100/H200 (sm_90) and defines
/// every kernel the host code launches; compile errors come back with the NVRTC log.</summary>
public sealed class KernelCompilationTests
{
    // Loaded at first use; without NVRTC these tests skip (CudaNeeds), or fail with the locator's message in CI.
    private static readonly System.Lazy<NvrtcCompiler> LazyCompiler = new(() => NvrtcCompiler.Load(CudaLibraryLocator.Default));

    private static NvrtcCompiler Compiler => LazyCompiler.Value;

    /// <summary>(file, kernel) pairs launched by CudaBackend, CudaScProduct, CudaScProducts, CudaActivationQuantizer, CudaWeightQuantizer and
    /// CudaNoiseSurrogate.</summary>
    private static readonly (string File, string[] Kernels)[] Launched =
    [
        ("elementwise.cu", ["gelu_tanh", "silu", "add_broadcast", "multiply_broadcast", "modulate", "gated_residual", "guidance", "add_bias_rows", "add_bias_channels", "upsample_nearest2x"]),
        ("rows.cu", ["softmax_rows", "layernorm_rows", "absmax_rows", "absmax_columns", "minmax_groups", "count_nonfinite", "group_norm"]),
        ("layout.cu", ["patchify", "unpatchify", "gather_heads", "merge_heads", "transpose_last_two", "embedding_lookup", "timestep_embedding", "im2col_same", "copy_rows"]),
        ("quant.cu", ["fake_quantize_groups", "qdit_grids", "quant_error_sums"]),
        ("random.cu", ["philox_normal", "sc_noise_add"]),
        ("sc.cu", ["sc_k_lookup", "sc_pack_enable", "sc_pack_legacy", "sc_enable_product", "sc_enable_table_product", "sc_bitstream_product"]),
        ("sc_codes.cu", ["sc_quantize_rows", "sc_count_nan", "sc_decode_rows"]),
    ];

    public static TheoryData<string, int> Sources()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in KernelSources.Files)
        {
            data.Add(file, 80);
            data.Add(file, 90);
        }

        return data;
    }

    [Fact]
    public void Every_launched_kernel_source_is_embedded()
    {
        Assert.Equal(Launched.Select(l => l.File).Order(), KernelSources.Files);
    }

    [CudaTheory(CudaNeed.Nvrtc)]
    [MemberData(nameof(Sources))]
    public void Source_compiles_to_cubin(string file, int architecture)
    {
        var cubin = Compiler.Compile(file, KernelSources.Read(file), new KernelTarget(architecture, Cubin: true));
        // An ELF image: 0x7F 'E' 'L' 'F'.
        Assert.Equal(new byte[] { 0x7F, 0x45, 0x4C, 0x46 }, cubin.Take(4));
    }

    [CudaTheory(CudaNeed.Nvrtc)]
    [MemberData(nameof(Sources))]
    public void Ptx_defines_every_launched_kernel(string file, int architecture)
    {
        var ptx = Encoding.ASCII.GetString(Compiler.Compile(file, KernelSources.Read(file), new KernelTarget(architecture, Cubin: false)));
        Assert.Contains($".target sm_{architecture}", ptx);
        foreach (var kernel in Launched.Single(l => l.File == file).Kernels)
            Assert.Contains($".entry {kernel}(", ptx);
    }

    [CudaFact(CudaNeed.Nvrtc)]
    public void Compile_error_reports_file_target_and_log()
    {
        var error = Assert.Throws<CudaException>(() =>
            Compiler.Compile("broken.cu", "extern \"C\" __global__ void k(float* x) { x[0] = undefined_name; }", new KernelTarget(80, Cubin: true)));
        Assert.Contains("failed to compile broken.cu for sm_80", error.Message);
        Assert.Contains("undefined_name", error.Message);
        Assert.Contains("identifier", error.Message);
    }

    [CudaFact(CudaNeed.Nvrtc)]
    public void Nvrtc_knows_ampere_and_hopper()
    {
        Assert.Contains(80, Compiler.SupportedArchitectures);
        Assert.Contains(90, Compiler.SupportedArchitectures);
        Assert.True(Compiler.Version >= new System.Version(11, 8), $"NVRTC {Compiler.Version}");
    }
}
