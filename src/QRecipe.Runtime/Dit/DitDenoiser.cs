using System;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Diffusion;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Dit;

/// <summary>Adapts a <see cref="DitModel"/> to the sampler's <see cref="Denoiser"/>: fixed class labels and guidance
/// scale for the whole run (scale 1 runs the plain conditional forward, which is what guidance with scale 1
/// computes). Its tensors are allocated once per run.</summary>
public sealed class DitDenoiser : IDisposable
{
    private readonly DitModel _model;
    private readonly ITensorBackend _backend;
    private readonly float _scale;
    private readonly Tensor _x;
    private readonly Tensor _timesteps;
    private readonly Tensor _labels;
    private readonly Tensor _output;
    private readonly Action<int>? _stepStarting;

    /// <param name="stepStarting">Called with the step index before each forward, e.g. to select the recipe's step.</param>
    public DitDenoiser(DitModel model, ITensorBackend backend, int[] labels, float guidanceScale, Action<int>? stepStarting = null)
    {
        var m = model.Spec;
        foreach (var label in labels)
        {
            if ((uint)label > (uint)m.NumClasses)
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"class labels of {m.Name} are 0..{m.NumClasses - 1} (and {m.NumClasses} for the null class)");
        }
        _model = model;
        _backend = backend;
        _scale = guidanceScale;
        _stepStarting = stepStarting;
        _x = Tensor.Empty(labels.Length, m.InChannels, m.LatentSize, m.LatentSize);
        _timesteps = Tensor.Empty(labels.Length);
        _labels = Tensor.From(labels, labels.Length);
        _output = Tensor.Empty(labels.Length, m.OutChannels, m.LatentSize, m.LatentSize);
    }

    public Denoiser Denoise => Run;

    private void Run(ReadOnlySpan<float> x, int timestep, int stepIndex, Span<float> output)
    {
        _stepStarting?.Invoke(stepIndex);
        x.CopyTo(_x.AsSpan<float>());
        _backend.Fill(_timesteps, timestep);
        if (_scale == 1f)
            _model.Forward(_x, _timesteps, _labels, _output);
        else
            _model.ForwardWithCfg(_x, _timesteps, _labels, _scale, _output);
        _output.AsReadOnlySpan<float>().CopyTo(output);
    }

    public void Dispose()
    {
        _x.Dispose();
        _timesteps.Dispose();
        _labels.Dispose();
        _output.Dispose();
    }
}
