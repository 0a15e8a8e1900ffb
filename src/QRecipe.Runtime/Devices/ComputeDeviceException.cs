using System;

namespace QRecipe.Runtime.Devices;

/// <summary>A device name that is not "cpu", "cuda" or "cuda:N", or a device that cannot be opened here; the message
/// is one line saying which and why.</summary>
public sealed class ComputeDeviceException(string message) : Exception(message);
