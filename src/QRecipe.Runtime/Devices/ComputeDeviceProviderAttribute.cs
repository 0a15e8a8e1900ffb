using System;
using System.Diagnostics.CodeAnalysis;

namespace QRecipe.Runtime.Devices;

/// <summary>Names the <see cref="IComputeDeviceProvider"/> of an assembly that provides compute devices of
/// <paramref name="kind"/>.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class ComputeDeviceProviderAttribute(
    string kind,
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type provider) : Attribute
{
    public string Kind => kind;

    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
    public Type Provider => provider;
}
