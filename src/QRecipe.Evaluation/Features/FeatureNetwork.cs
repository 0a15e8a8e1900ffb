using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using QRecipe.Language.Text;

namespace QRecipe.Evaluation.Features;

/// <summary>An ONNX network run by ONNX Runtime (CPU) that turns 8-bit images into feature vectors and, where it has
/// them, class logits. Images go through in batches so memory stays bounded whatever the sample count.</summary>
public sealed class FeatureNetwork : IDisposable
{
    private readonly InferenceSession _session;

    public FeatureNetworkSpec Spec { get; }

    public string Path { get; }

    /// <summary>Feature vector length, read from the model's output shape.</summary>
    public int FeatureSize { get; }

    /// <summary>Number of classes, or 0 without a logits output.</summary>
    public int ClassCount { get; }

    private FeatureNetwork(InferenceSession session, FeatureNetworkSpec spec, string path, int featureSize, int classCount)
    {
        _session = session;
        Spec = spec;
        Path = path;
        FeatureSize = featureSize;
        ClassCount = classCount;
    }

    /// <summary>Opens the model and checks that it has the named input and outputs with fixed trailing sizes.</summary>
    public static FeatureNetwork Open(string path, FeatureNetworkSpec spec, int threads = 0)
    {
        if (!File.Exists(path))
            throw new InvalidDataException($"{path}: the feature network file does not exist");
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads > 0)
            options.IntraOpNumThreads = threads;
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path}: not a usable ONNX model: {FirstLine(e.Message)}", e);
        }
        try
        {
            if (!session.InputMetadata.ContainsKey(spec.InputName))
                throw new InvalidDataException($"{path}: the network has no input '{spec.InputName}'; its inputs are {ShortList.Join(", ", session.InputMetadata.Keys, format: SafeText.Escape)}");
            int features = TrailingSize(session, spec.FeaturesOutput, path);
            int classes = spec.LogitsOutput is null ? 0 : TrailingSize(session, spec.LogitsOutput, path);
            return new FeatureNetwork(session, spec, path, features, classes);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Features (count × FeatureSize) and logits (count × ClassCount, empty without logits) of 8-bit
    /// images count × H × W × C; <paramref name="progress"/> gets the number of images done after every batch.</summary>
    public (float[] Features, float[] Logits) Run(ReadOnlySpan<byte> images, int count, int height, int width, int channels,
        int batchSize = 256, Action<int>? progress = null)
    {
        if (height != Spec.Height || width != Spec.Width)
            throw new InvalidDataException($"{Path} takes {Spec.Height} x {Spec.Width} images; these are {height} x {width}");
        if (channels != Spec.Channels && channels != 1)
            throw new InvalidDataException($"{Path} takes {Spec.Channels}-channel images; these have {channels}");
        if (images.Length != (long)count * height * width * channels)
            throw new ArgumentException($"{count} images of {height} x {width} x {channels} need {(long)count * height * width * channels} bytes, got {images.Length}");
        var features = new float[(long)count * FeatureSize];
        var logits = new float[(long)count * ClassCount];
        int pixels = height * width;
        float step = (Spec.InputMax - Spec.InputMin) / 255f;
        for (int start = 0; start < count; start += batchSize)
        {
            int n = Math.Min(batchSize, count - start);
            var input = new DenseTensor<float>(new[] { n, Spec.Channels, height, width });
            var buffer = input.Buffer.Span;
            for (int i = 0; i < n; i++)
            {
                var image = images.Slice((start + i) * pixels * channels, pixels * channels);
                for (int c = 0; c < Spec.Channels; c++)
                {
                    // A grey image feeds every channel of a colour network.
                    int source = channels == 1 ? 0 : c;
                    var plane = buffer.Slice((i * Spec.Channels + c) * pixels, pixels);
                    for (int p = 0; p < pixels; p++)
                        plane[p] = Spec.InputMin + image[p * channels + source] * step;
                }
            }
            var names = Spec.LogitsOutput is null ? new[] { Spec.FeaturesOutput } : new[] { Spec.FeaturesOutput, Spec.LogitsOutput };
            using var results = _session.Run(new[] { NamedOnnxValue.CreateFromTensor(Spec.InputName, input) }, names);
            Copy(results, Spec.FeaturesOutput, features.AsSpan(start * FeatureSize, n * FeatureSize));
            if (Spec.LogitsOutput is not null)
                Copy(results, Spec.LogitsOutput, logits.AsSpan(start * ClassCount, n * ClassCount));
            progress?.Invoke(start + n);
        }
        return (features, logits);
    }

    private static void Copy(IReadOnlyCollection<DisposableNamedOnnxValue> results, string name, Span<float> target)
    {
        var tensor = results.First(r => r.Name == name).AsTensor<float>();
        if (tensor.Length != target.Length)
            throw new InvalidDataException($"output '{name}' has {tensor.Length} values where {target.Length} were expected");
        int i = 0;
        foreach (var value in tensor)
            target[i++] = value;
    }

    private static int TrailingSize(InferenceSession session, string output, string path)
    {
        if (!session.OutputMetadata.TryGetValue(output, out var meta))
            throw new InvalidDataException($"{path}: the network has no output '{output}'; its outputs are {ShortList.Join(", ", session.OutputMetadata.Keys, format: SafeText.Escape)}");
        var dims = meta.Dimensions;
        int size = 1;
        for (int i = 1; i < dims.Length; i++)
        {
            if (dims[i] <= 0)
                throw new InvalidDataException($"{path}: output '{output}' has no fixed size in dimension {i}");
            size *= dims[i];
        }
        return size;
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(new[] { '\r', '\n' });
        return end < 0 ? message : message[..end];
    }

    public void Dispose() => _session.Dispose();
}
