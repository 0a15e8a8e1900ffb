using System.Collections.Generic;

namespace QRecipe.Interop.Diagnostics;

/// <summary>One kind of import or export problem: a stable ID (never renumbered), whether it stops the conversion,
/// and a title. docs/diagnostics.md documents each one.</summary>
public sealed record InteropDescriptor(string Id, bool IsError, string Title);

/// <summary>Every diagnostic import and export can report (QR09xx, next to the compiler's QR00xx–QR08xx).</summary>
public static class InteropDiagnostics
{
    private static readonly List<InteropDescriptor> s_all = new();

    public static IReadOnlyList<InteropDescriptor> All => s_all;

    public static readonly InteropDescriptor NoEquivalent = New("QR0900", false, "A setting that changes the result has no QRecipe equivalent; the recipe leaves it out");
    public static readonly InteropDescriptor MatchesNothing = New("QR0901", false, "A layer-name matcher selects no layer of the model");
    public static readonly InteropDescriptor IgnoredBySource = New("QR0902", false, "A setting the source tool itself ignores or overrides");
    public static readonly InteropDescriptor Approximated = New("QR0903", false, "A method mapped to the nearest QRecipe method");
    public static readonly InteropDescriptor PartsDiffer = New("QR0904", false, "Layers that are one QRecipe operator have different settings");
    public static readonly InteropDescriptor SourceRejects = New("QR0905", true, "A configuration the source tool rejects or crashes on");
    public static readonly InteropDescriptor CannotHold = New("QR0906", true, "The export format cannot hold the plan");

    private static InteropDescriptor New(string id, bool isError, string title)
    {
        var descriptor = new InteropDescriptor(id, isError, title);
        s_all.Add(descriptor);
        return descriptor;
    }
}

/// <summary>A problem found while converting: what, where (file and entry) and why, printed as
/// <c>FILE: warning QR0901: …</c>.</summary>
public sealed record InteropDiagnostic(InteropDescriptor Descriptor, string File, string Message)
{
    public override string ToString() => $"{File}: {(Descriptor.IsError ? "error" : "warning")} {Descriptor.Id}: {Message}";
}
