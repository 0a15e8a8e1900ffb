using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using QRecipe.Plan.Text;

namespace QRecipe.Evaluation.Features;

/// <summary>Fills <paramref name="target"/> with images <paramref name="start"/> .. start + count − 1 (8-bit H × W × C
/// each), so a network can read a sample file a batch at a time.</summary>
public delegate void ImageBatchReader(Span<byte> target, int start, int count);

/// <summary>An ONNX network run by ONNX Runtime (CPU) that turns 8-bit images into feature vectors and, where it has
/// them, class logits and spatial features. Images go through in batches so memory stays bounded whatever the sample
/// count.</summary>
public sealed class FeatureNetwork : IDisposable
{
    private readonly InferenceSession _session;

    public FeatureNetworkSpec Spec { get; }

    public string Path { get; }

    /// <summary>Feature vector length, read from the model's output shape.</summary>
    public int FeatureSize { get; }

    /// <summary>Number of classes, or 0 without a logits output.</summary>
    public int ClassCount { get; }

    /// <summary>Length of the flattened spatial features, or 0 without a spatial output.</summary>
    public int SpatialSize { get; }

    private FeatureNetwork(InferenceSession session, FeatureNetworkSpec spec, string path, int featureSize, int classCount, int spatialSize)
    {
        _session = session;
        Spec = spec;
        Path = path;
        FeatureSize = featureSize;
        ClassCount = classCount;
        SpatialSize = spatialSize;
    }

    /// <summary>Opens the model and checks that it has the named input and outputs with fixed trailing sizes. A
    /// height, width or channel count of 0 in <paramref name="spec"/> is read from the input's fixed dimensions.</summary>
    public static FeatureNetwork Open(string path, FeatureNetworkSpec spec, int threads = 0)
    {
        var name = SafeText.Escape(path);
        if (!File.Exists(path))
            throw new InvalidDataException($"{name}: the feature network file does not exist");
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
            throw new InvalidDataException($"{name}: not a usable ONNX model: {SafeText.Escape(FirstLine(e.Message), 200)}", e);
        }
        try
        {
            if (!session.InputMetadata.TryGetValue(spec.InputName, out var input))
                throw new InvalidDataException($"{name}: the network has no input {SafeText.Quote(spec.InputName)}; its inputs are {ShortList.Join(", ", session.InputMetadata.Keys, format: SafeText.Quote)}");
            spec = WithInputSize(spec, input.Dimensions, name);
            int features = TrailingSize(session, spec.FeaturesOutput, name);
            int classes = spec.LogitsOutput is null ? 0 : TrailingSize(session, spec.LogitsOutput, name);
            int spatial = spec.SpatialOutput is null ? 0 : TrailingSize(session, spec.SpatialOutput, name);
            return new FeatureNetwork(session, spec, path, features, classes, spatial);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The input and output names of an ONNX model, for defaults and did-you-mean lists.</summary>
    public static (string[] Inputs, string[] Outputs) Names(string path)
    {
        var name = SafeText.Escape(path);
        if (!File.Exists(path))
            throw new InvalidDataException($"{name}: the feature network file does not exist");
        try
        {
            using var session = new InferenceSession(path);
            return (session.InputMetadata.Keys.ToArray(), session.OutputMetadata.Keys.ToArray());
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{name}: not a usable ONNX model: {SafeText.Escape(FirstLine(e.Message), 200)}", e);
        }
    }

    /// <summary>Runs <paramref name="count"/> 8-bit images (count × H × W × C, in memory).</summary>
    public FeatureSet Run(byte[] images, int count, int height, int width, int channels, int batchSize = 256, Action<int>? progress = null,
        CancellationToken cancellation = default)
    {
        int size = height * width * channels;
        if (images.Length != (long)count * size)
            throw new ArgumentException($"{count} images of {height} x {width} x {channels} need {(long)count * size} bytes, got {images.Length}");
        return Run((target, start, n) => images.AsSpan(start * size, n * size).CopyTo(target), count, height, width, channels, batchSize, progress, cancellation);
    }

    /// <summary>Features, logits and spatial features of <paramref name="count"/> images delivered batch by batch by
    /// <paramref name="read"/>; <paramref name="progress"/> gets the number of images done after every batch.
    /// <paramref name="cancellation"/> is checked before every batch (a batch of a large network can take seconds), so
    /// Ctrl-C stops the extraction with an <see cref="OperationCanceledException"/> and no features.</summary>
    public FeatureSet Run(ImageBatchReader read, int count, int height, int width, int channels, int batchSize = 256, Action<int>? progress = null,
        CancellationToken cancellation = default)
    {
        CheckImages(height, width, channels);
        var set = new FeatureSet(count, FeatureSize, new float[(long)count * FeatureSize], ClassCount, new float[(long)count * ClassCount],
            SpatialSize, new float[(long)count * SpatialSize]);
        int imageBytes = height * width * channels;
        var batch = new byte[Math.Min(batchSize, Math.Max(count, 1)) * imageBytes];
        var names = new[] { Spec.FeaturesOutput, Spec.LogitsOutput, Spec.SpatialOutput }.OfType<string>().Distinct().ToArray();
        for (int start = 0; start < count; start += batchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            int n = Math.Min(batchSize, count - start);
            read(batch.AsSpan(0, n * imageBytes), start, n);
            var input = Input(batch.AsSpan(0, n * imageBytes), n, height, width, channels);
            using var results = _session.Run(new[] { NamedOnnxValue.CreateFromTensor(Spec.InputName, input) }, names);
            Copy(results, Spec.FeaturesOutput, set.Features.AsSpan(start * FeatureSize, n * FeatureSize));
            if (Spec.LogitsOutput is not null)
                Copy(results, Spec.LogitsOutput, set.Logits.AsSpan(start * ClassCount, n * ClassCount));
            if (Spec.SpatialOutput is not null)
                Copy(results, Spec.SpatialOutput, set.Spatial.AsSpan(start * SpatialSize, n * SpatialSize));
            progress?.Invoke(start + n);
        }
        return set;
    }

    private void CheckImages(int height, int width, int channels)
    {
        if ((height != Spec.Height || width != Spec.Width) && !Spec.Resize)
            throw new InvalidDataException($"{SafeText.Escape(Path)} takes {Spec.Height} x {Spec.Width} images; these are {height} x {width} (resizing is off)");
        if (channels != Spec.Channels && channels != 1)
            throw new InvalidDataException($"{SafeText.Escape(Path)} takes {Spec.Channels}-channel images; these have {channels}");
    }

    /// <summary>The network's float32 input for one batch: resized where the sizes differ, then mapped onto the value range.</summary>
    private DenseTensor<float> Input(ReadOnlySpan<byte> images, int n, int height, int width, int channels)
    {
        int h = Spec.Height, w = Spec.Width, pixels = h * w;
        var input = new DenseTensor<float>(Spec.ChannelsLast ? new[] { n, h, w, Spec.Channels } : new[] { n, Spec.Channels, h, w });
        var buffer = input.Buffer.Span;
        float step = (Spec.InputMax - Spec.InputMin) / 255f;
        bool resize = height != h || width != w;
        var plane = new float[resize ? pixels : 0];
        for (int i = 0; i < n; i++)
        {
            var image = images.Slice(i * height * width * channels, height * width * channels);
            for (int c = 0; c < Spec.Channels; c++)
            {
                // A grey image feeds every channel of a colour network.
                int source = channels == 1 ? 0 : c;
                if (resize)
                    BilinearResize.Plane(image[source..], height, width, channels, plane, h, w);
                for (int p = 0; p < pixels; p++)
                {
                    float value = resize ? plane[p] : image[p * channels + source];
                    int at = Spec.ChannelsLast ? (i * pixels + p) * Spec.Channels + c : (i * Spec.Channels + c) * pixels + p;
                    buffer[at] = Spec.InputMin + value * step;
                }
            }
        }
        return input;
    }

    private static void Copy(IReadOnlyCollection<DisposableNamedOnnxValue> results, string name, Span<float> target)
    {
        var tensor = results.First(r => r.Name == name).AsTensor<float>();
        if (tensor.Length != target.Length)
            throw new InvalidDataException($"output {SafeText.Quote(name)} has {tensor.Length} values where {target.Length} were expected");
        int i = 0;
        foreach (var value in tensor)
            target[i++] = value;
    }

    private static FeatureNetworkSpec WithInputSize(FeatureNetworkSpec spec, int[] dims, string name)
    {
        if (dims.Length != 4)
            throw new InvalidDataException($"{name}: input {SafeText.Quote(spec.InputName)} has {dims.Length} dimensions; an image batch needs 4 ({(spec.ChannelsLast ? "N, H, W, C" : "N, C, H, W")})");
        var (hAt, wAt, cAt) = spec.ChannelsLast ? (1, 2, 3) : (2, 3, 1);
        int Pick(int given, int at, string what)
        {
            if (dims[at] > 0 && given > 0 && dims[at] != given)
                throw new InvalidDataException($"{name}: input {SafeText.Quote(spec.InputName)} has {what} {dims[at]}, not {given}");
            if (given > 0)
                return given;
            if (dims[at] > 0)
                return dims[at];
            throw new InvalidDataException($"{name}: input {SafeText.Quote(spec.InputName)} has no fixed {what}; give it (--input-size, --input-channels)");
        }
        return spec with { Height = Pick(spec.Height, hAt, "height"), Width = Pick(spec.Width, wAt, "width"), Channels = Pick(spec.Channels, cAt, "channel count") };
    }

    private static int TrailingSize(InferenceSession session, string output, string name)
    {
        if (!session.OutputMetadata.TryGetValue(output, out var meta))
            throw new InvalidDataException($"{name}: the network has no output {SafeText.Quote(output)}; its outputs are {ShortList.Join(", ", session.OutputMetadata.Keys, format: SafeText.Quote)}");
        var dims = meta.Dimensions;
        int size = 1;
        for (int i = 1; i < dims.Length; i++)
        {
            if (dims[i] <= 0)
                throw new InvalidDataException($"{name}: output {SafeText.Quote(output)} has no fixed size in dimension {i}; export the network with a fixed input size");
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
