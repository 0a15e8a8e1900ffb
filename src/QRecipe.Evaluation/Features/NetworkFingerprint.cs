using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace QRecipe.Evaluation.Features;

/// <summary>SHA-256 of the ONNX file's bytes followed by <see cref="FeatureNetworkSpec.Describe"/>: two networks, or
/// one network fed differently, never share cached reference statistics.</summary>
public static class NetworkFingerprint
{
    public static byte[] Of(FeatureNetwork network)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(network.Path));
        hash.AppendData(Encoding.UTF8.GetBytes(network.Spec.Describe()));
        return hash.GetHashAndReset();
    }
}
