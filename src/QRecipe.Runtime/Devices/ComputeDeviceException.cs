using System;

namespace QRecipe.Runtime.Devices;

/// <summary>A device name that is not "cpu", "cuda" or "cuda:N", or a device that cannot be opened here (its assembly,
/// driver, libraries or hardware missing); the message is one line saying which and why.</summary>
public sealed class ComputeDeviceException : Exception
{
    public ComputeDeviceException(string message)
        : base(message)
    {
    }

    public ComputeDeviceException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
