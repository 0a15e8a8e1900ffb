using System;

namespace QRecipe.Interop;

/// <summary>A file or recipe that cannot be converted; the message names the file, the entry (a JSON or YAML path,
/// a flag, a pickle offset) and the reason in one line.</summary>
public sealed class InteropException : Exception
{
    public InteropException(string message)
        : base(message)
    {
    }
}
