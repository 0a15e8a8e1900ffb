using System;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>
/// A checkpoint file that cannot be used: unreadable, truncated, corrupt, unsafe, in an unsupported format, or
/// not matching the model. The message names the file and says what is wrong; it is meant for the user, so
/// callers print it without a stack trace.
/// </summary>
public sealed class CheckpointException : Exception
{
    public CheckpointException(string file, string problem)
        : base($"{file}: {problem}")
    {
        File = file;
    }

    public CheckpointException(string file, string problem, Exception inner)
        : base($"{file}: {problem}", inner)
    {
        File = file;
    }

    /// <summary>The checkpoint file (as the caller named it).</summary>
    public string File { get; }
}
