using System;
using System.IO;
using Microsoft.ML.OnnxRuntime;

namespace QRecipe.Benchmarks;

/// <summary>
/// An ONNX model of bench/peers/onnx_export.py run by ONNX Runtime on the CPU with fixed inputs and an output
/// written in place: every optimisation on (ORT_ENABLE_ALL), sequential execution, as many intra-op threads as the
/// process may use (DOTNET_PROCESSOR_COUNT in the run scripts), so both sides get the same cores.
/// </summary>
public sealed class OrtSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _options;
    private readonly RunOptions _run = new();
    private readonly string[] _inputNames;
    private readonly OrtValue[] _inputs;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _outputs;

    public OrtSession(string path, (string Name, OrtValue Value)[] inputs, (string Name, OrtValue Value)[] outputs, string? profilePrefix = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} does not exist: run bench/peers/onnx_export.py first (bench/run-ort-comparison.sh does)");
        _options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Environment.ProcessorCount,
            InterOpNumThreads = 1,
        };
        if (profilePrefix is not null)
        {
            _options.EnableProfiling = true;
            _options.ProfileOutputPathPrefix = profilePrefix;
        }
        _session = new InferenceSession(path, _options);
        _inputNames = Array.ConvertAll(inputs, i => i.Name);
        _inputs = Array.ConvertAll(inputs, i => i.Value);
        _outputNames = Array.ConvertAll(outputs, o => o.Name);
        _outputs = Array.ConvertAll(outputs, o => o.Value);
    }

    public void Run() => _session.Run(_run, _inputNames, _inputs, _outputNames, _outputs);

    /// <summary>Ends profiling and returns the path of ONNX Runtime's JSON trace.</summary>
    public string EndProfiling() => _session.EndProfiling();

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
        _run.Dispose();
        foreach (var value in _inputs)
            value.Dispose();
        foreach (var value in _outputs)
            value.Dispose();
    }
}
