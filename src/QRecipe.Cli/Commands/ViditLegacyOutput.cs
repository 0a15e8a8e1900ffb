using System.Collections.Generic;
using System.IO;
using QRecipe.Interop.Vidit;
using QRecipe.Plan.Text;

namespace QRecipe.Cli.Commands;

/// <summary>Writes a legacy ViDiT-Q export: the YAML at the given path and, beside it, <c>STEM_fp_list.txt</c>,
/// <c>STEM_mp_weight.yaml</c> and <c>STEM_mp_act.yaml</c> where the plan needs them. Each file is written atomically,
/// and a failure removes the ones already written, so the export is all there or not at all.</summary>
internal static class ViditLegacyOutput
{
    public static string FpListName(string yamlPath) => Stem(yamlPath) + "_fp_list.txt";

    public static void Write(ViditLegacyFiles files, string yamlPath, TextWriter error)
    {
        var folder = Path.GetDirectoryName(yamlPath) ?? string.Empty;
        var stem = Stem(yamlPath);
        var outputs = new List<(string Path, string Text)> { (yamlPath, files.Yaml) };
        if (files.FpList is { } fp)
            outputs.Add((Path.Combine(folder, FpListName(yamlPath)), fp));
        string? weightMp = files.WeightMp is null ? null : Path.Combine(folder, stem + "_mp_weight.yaml");
        string? actMp = files.ActMp is null ? null : Path.Combine(folder, stem + "_mp_act.yaml");
        if (weightMp is not null)
            outputs.Add((weightMp, files.WeightMp!));
        if (actMp is not null)
            outputs.Add((actMp, files.ActMp!));
        var written = new List<string>();
        try
        {
            foreach (var (path, text) in outputs)
            {
                RecipeFiles.WriteAtomically(path, text);
                written.Add(path);
            }
        }
        catch
        {
            foreach (var path in written)
                File.Delete(path);
            throw;
        }
        if (weightMp is not null || actMp is not null)
        {
            var mp = (weightMp is null ? string.Empty : $" --mp-weight {SafeText.Escape(weightMp)}") + (actMp is null ? string.Empty : $" --mp-act {SafeText.Escape(actMp)}");
            error.WriteLine($"timestep-wise widths written beside the YAML; import back with: qrecipe import viditq {SafeText.Escape(yamlPath)}{mp}");
        }
    }

    private static string Stem(string yamlPath) => Path.GetFileNameWithoutExtension(yamlPath) is { Length: > 0 } stem ? stem : "vidit";
}
