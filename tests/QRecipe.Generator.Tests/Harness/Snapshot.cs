using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit.Sdk;

namespace QRecipe.Generator.Tests.Harness;

/// <summary>
/// Snapshot testing in the spirit of Verify (not available on our feed): baselines are checked in as
/// <c>Snapshots/{Class}.{Test}[_{parameters}]#{name}.verified.{ext}</c>. On a mismatch or a missing baseline the
/// helper writes a <c>.received</c> file next to it and fails with a unified diff. Set
/// <c>QRECIPE_ACCEPT_SNAPSHOTS=1</c> to accept what was received (refused when <c>CI=true</c>).
/// </summary>
internal static class Snapshot
{
    private const string AcceptVariable = "QRECIPE_ACCEPT_SNAPSHOTS";

    private static bool Accepting =>
        Environment.GetEnvironmentVariable(AcceptVariable) == "1" && Environment.GetEnvironmentVariable("CI") != "true";

    /// <summary>Verifies every generated source (one baseline per hint name) and, when there are any, the
    /// diagnostics, and checks that no other baseline of this test exists (a vanished output fails).</summary>
    public static void Verify(GeneratorDriver driver, string? parameters = null, [CallerFilePath] string sourceFile = "", [CallerMemberName] string test = "")
    {
        var result = driver.GetRunResult();
        var stem = Stem(sourceFile, test, parameters);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in result.Results.SelectMany(r => r.GeneratedSources))
            expected[stem + "#" + Path.GetFileNameWithoutExtension(source.HintName) + ".verified.cs"] = ScrubVersion(source.SourceText.ToString());
        if (!result.Diagnostics.IsEmpty)
            expected[stem + "#diagnostics.verified.txt"] = Render(result.Diagnostics);

        var failures = new List<string>();
        foreach (var (name, text) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (Compare(name, text) is { } failure)
                failures.Add(failure);
        }
        foreach (var stale in Directory.EnumerateFiles(TestPaths.Snapshots, stem + "#*.verified.*").Select(Path.GetFileName).Where(n => !expected.ContainsKey(n!)))
        {
            if (Accepting)
                File.Delete(Path.Combine(TestPaths.Snapshots, stale!));
            else
                failures.Add($"Baseline {stale} has no matching output any more; delete it or accept with {AcceptVariable}=1.");
        }
        if (failures.Count > 0)
            throw new XunitException(string.Join("\n\n", failures));
    }

    /// <summary>Verifies one text against <c>{Class}.{Test}[_{parameters}].verified.{extension}</c>.</summary>
    public static void Verify(string text, string extension = "txt", string? parameters = null, [CallerFilePath] string sourceFile = "", [CallerMemberName] string test = "")
    {
        if (Compare(Stem(sourceFile, test, parameters) + ".verified." + extension, text) is { } failure)
            throw new XunitException(failure);
    }

    /// <summary>The generator's version changes with every release; baselines should not.</summary>
    private static string ScrubVersion(string source) =>
        source.Replace("GeneratedCode(\"QRecipe.Generator\", \"" + GeneratorVersion.Value + "\")", "GeneratedCode(\"QRecipe.Generator\", \"{version}\")");

    /// <summary>One line per diagnostic, <c>path(line,col): severity ID: message</c>, sorted.</summary>
    public static string Render(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => d.ToString()).OrderBy(s => s, StringComparer.Ordinal)) + "\n";

    private static string Stem(string sourceFile, string test, string? parameters)
    {
        // Only the file name of CallerFilePath is used: under PathMap its directory is "/_/".
        var className = Path.GetFileNameWithoutExtension(sourceFile.Replace('\\', '/').Split('/').Last());
        return className + "." + test + (parameters is null ? string.Empty : "_" + parameters);
    }

    private static string? Compare(string verifiedName, string received)
    {
        var verifiedPath = Path.Combine(TestPaths.Snapshots, verifiedName);
        var receivedPath = verifiedPath.Replace(".verified.", ".received.");
        var actual = Normalize(received);
        var baseline = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (baseline == actual)
        {
            File.Delete(receivedPath);
            return null;
        }
        if (Accepting)
        {
            File.WriteAllText(verifiedPath, actual, new UTF8Encoding(false));
            File.Delete(receivedPath);
            return null;
        }
        File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
        var header = $"Snapshot mismatch for {verifiedName}.\n  verified: {verifiedPath}\n  received: {receivedPath}\n"
            + $"Accept with {AcceptVariable}=1 (e.g. `{AcceptVariable}=1 dotnet test tests/QRecipe.Generator.Tests`).\n";
        return baseline is null
            ? header + "No baseline yet; received:\n" + actual
            : header + UnifiedDiff.Create(baseline, actual);
    }

    /// <summary>No BOM, LF line ends, no trailing whitespace, exactly one final newline.</summary>
    public static string Normalize(string text)
    {
        var lines = text.TrimStart('\uFEFF').Replace("\r\n", "\n").Replace('\r', '\n').Split('\n').Select(l => l.TrimEnd());
        return string.Join("\n", lines).TrimEnd('\n') + "\n";
    }
}
