namespace QRecipe.Runtime.Devices;

/// <summary>Opens the devices of one kind (e.g. "cuda") for <see cref="ComputeDevices.Open"/>. An assembly that
/// provides a kind names its provider with <see cref="ComputeDeviceProviderAttribute"/>, so the runtime opens the device
/// without referencing that assembly (the CUDA bindings stay out of the runtime's layering).</summary>
public interface IComputeDeviceProvider
{
    /// <summary>Device <paramref name="ordinal"/> of this kind; throws <see cref="ComputeDeviceException"/> saying what is
    /// missing, having freed whatever it had opened.</summary>
    IComputeDevice Open(int ordinal);
}
