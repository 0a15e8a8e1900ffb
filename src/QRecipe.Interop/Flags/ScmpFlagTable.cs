using System.Collections.Generic;
using System.Linq;

namespace QRecipe.Interop.Flags;

/// <summary>Every flag of scmp's <c>quant_sc_main.py</c> (its SC flags, the Q-DiT quantizer flags it inherits and
/// the sampling flags), whether it takes a value, and which of them only steer a run (paths, batch sizes, output),
/// so the importer knows each one (docs/interop.md).</summary>
public static class ScmpFlagTable
{
    private static readonly string[] s_switches =
    {
        "--w_sym", "--a_sym", "--static", "--use_gptq", "--quantize_bmm_input", "--exponential",
        "--reverse_layerwise", "--sc_fixed_level_prec", "--sc_halve", "--sc_enable", "--sc_noise_model", "--debug_sc",
        "--mp", "--adaptive_mp", "--mp_enable_pruning", "--no_mp_pruning", "--range_mp",
        "--tf32", "--save_ckpt", "--generate-fid-samples", "--balanced_classes", "--resume",
    };

    private static readonly string[] s_values =
    {
        "--wbits", "--abits", "--weight_group_size", "--act_group_size", "--weight_channel_group", "--quant_method",
        "--w_clip_ratio", "--a_clip_ratio", "--percdamp", "--tiling", "--quant_type", "--calib_data_path", "--save_dir",
        "--timewise", "--qklayerwise", "--avlayerwise", "--projlayerwise", "--inputprojlayerwise", "--mlplayerwise",
        "--sc_skip_blocks", "--sc_prec", "--sc_noise_local_correction", "--sc_noise_global_correction",
        "--sc_qk_granularity", "--av_attn_group_size", "--av_v_group_size", "--sc_config", "--save_sc_config",
        "--mp_levels", "--mp_fractions", "--adaptive_mp_table", "--mp_alpha", "--mp_beta",
        "--mp_alpha_qk", "--mp_alpha_av", "--mp_alpha_mlp", "--mp_alpha_proj", "--mp_alpha_input_proj", "--mp_alpha_mlp_fc1", "--mp_alpha_mlp_fc2",
        "--mp_beta_qk", "--mp_beta_av", "--mp_beta_mlp", "--mp_beta_proj", "--mp_beta_input_proj", "--mp_beta_mlp_fc1", "--mp_beta_mlp_fc2",
        "--range_mp_levels", "--range_mp_threshold", "--range_mp_threshold_qk", "--range_mp_threshold_av",
        "--range_mp_threshold_proj", "--range_mp_threshold_mlp", "--range_mp_threshold_input_proj",
        "--model", "--vae", "--image-size", "--num-sampling-steps", "--cfg-scale", "--seed", "--ckpt", "--batch-size",
        "--num-classes", "--results-dir", "--sample-dir", "--num-fid-samples", "--class_start_idx",
        "--balanced_total_samples", "--target_indices_path", "--samples_dir_override",
    };

    /// <summary>Flags that choose files, batches or outputs of a run: kept as comments, they change no number.</summary>
    public static readonly IReadOnlySet<string> RunOnly = new HashSet<string>
    {
        "--vae", "--ckpt", "--batch-size", "--num-classes", "--results-dir", "--sample-dir", "--num-fid-samples",
        "--class_start_idx", "--balanced_total_samples", "--target_indices_path", "--samples_dir_override",
        "--tf32", "--save_ckpt", "--generate-fid-samples", "--balanced_classes", "--resume", "--calib_data_path",
        "--save_dir", "--save_sc_config",
    };

    public static IReadOnlyList<string> All { get; } = s_switches.Concat(s_values).ToArray();

    public static bool IsSwitch(string flag) => s_switches.Contains(flag);

    public static bool IsKnown(string flag) => s_switches.Contains(flag) || s_values.Contains(flag);
}
