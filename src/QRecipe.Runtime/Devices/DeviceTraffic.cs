using System;

namespace QRecipe.Runtime.Devices;

/// <summary>Bytes copied from the host to the device and back.</summary>
public readonly record struct DeviceTraffic(long ToDevice, long ToHost)
{
    private const double MiB = 1024 * 1024;

    /// <summary>The traffic between two readings of the counters.</summary>
    public static DeviceTraffic operator -(DeviceTraffic later, DeviceTraffic earlier) =>
        new(later.ToDevice - earlier.ToDevice, later.ToHost - earlier.ToHost);

    public override string ToString() =>
        FormattableString.Invariant($"{ToDevice / MiB:F1} MiB copied to the device, {ToHost / MiB:F1} MiB back");
}
