using System.Collections.Generic;
using System.Linq;

namespace QRecipe.Interop.Diagnostics;

/// <summary>Collects the diagnostics of one conversion and the recipe comments that go with settings the recipe
/// cannot say, so each left-out setting is both reported and visible in the recipe.</summary>
public sealed class DiagnosticBag
{
    private readonly List<InteropDiagnostic> _items = new();
    private readonly List<string> _comments = new();

    public DiagnosticBag(string file) => File = file;

    public string File { get; }

    public IReadOnlyList<InteropDiagnostic> Items => _items;

    /// <summary>Comment lines for the recipe, in the order the settings were met.</summary>
    public IReadOnlyList<string> Comments => _comments;

    public bool HasErrors => _items.Any(d => d.Descriptor.IsError);

    public void Report(InteropDescriptor descriptor, string message) => _items.Add(new InteropDiagnostic(descriptor, File, message));

    /// <summary>A setting the recipe has no words for: a comment in the recipe, and a diagnostic when the
    /// setting changes the numbers (<paramref name="descriptor"/> given).</summary>
    public void Comment(string comment, InteropDescriptor? descriptor = null, string? message = null)
    {
        _comments.Add(comment);
        if (descriptor is not null)
            Report(descriptor, message ?? comment);
    }

    /// <summary>Stops the conversion when an error was reported, with every error in one message.</summary>
    public void ThrowIfErrors()
    {
        if (HasErrors)
            throw new InteropException(string.Join("\n", _items.Where(d => d.Descriptor.IsError)));
    }
}
