using System.Globalization;
using QRecipe.Plan.Text;

namespace QRecipe.Interop.Yaml;

/// <summary>Typed reads of YAML scalars as YAML 1.1 (the version PyYAML and OmegaConf read) resolves them; a value
/// of the wrong kind is refused with its path and line.</summary>
public static class YamlValues
{
    public static bool IsNull(YamlNode? node) =>
        node is null || node is YamlScalar { Quoted: false, Text: "" or "~" or "null" or "Null" or "NULL" };

    public static bool? Bool(YamlNode node, string file)
    {
        if (node is YamlScalar { Quoted: false } s)
        {
            switch (s.Text)
            {
                case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON": return true;
                case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF": return false;
            }
        }
        return IsNull(node) ? null : throw Wrong(node, "true or false", file);
    }

    public static int Int(YamlNode node, string file) =>
        node is YamlScalar { Quoted: false } s && int.TryParse(s.Text.Replace("_", string.Empty), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Wrong(node, "a whole number", file);

    public static double Real(YamlNode node, string file) =>
        node is YamlScalar { Quoted: false } s && double.TryParse(s.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Wrong(node, "a finite number", file);

    public static string Text(YamlNode node, string file) =>
        node is YamlScalar s ? s.Text : throw Wrong(node, "a string", file);

    public static InteropException Wrong(YamlNode node, string expected, string file) =>
        new($"{file}: line {node.Line}: {SafeText.Escape(node.Path, 120)} must be {expected}, got {Describe(node)}");

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalar s => "'" + SafeText.Escape(s.Text, 60) + "'",
        YamlSequence => "a list",
        _ => "a mapping",
    };
}
