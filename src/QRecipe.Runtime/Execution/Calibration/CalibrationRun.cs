using System;
using System.Linq;
using System.Threading;
using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Diffusion;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution.Smoothing;
using QRecipe.Runtime.Quantization;

namespace QRecipe.Runtime.Execution.Calibration;

/// <summary>
/// The plan's <c>calibrate samples N steps SEL batch B</c>: floating-point sampling of N samples in batches of B with
/// the plan's sampler and guidance, labels drawn from the plan's seed as a run draws them, and each batch's initial
/// and per-step noise from its own seed (so batches differ and runs repeat). Each batch is sampled up to the last
/// selected step only. Statistics stream into <see cref="CalibrationStatistics"/>; nothing per sample is kept.
/// </summary>
public sealed class CalibrationRun
{
    private readonly RecipePlan _plan;
    private readonly CalibrationSpec _spec;
    private readonly DitWeights _weights;
    private readonly ITensorBackend _backend;
    private readonly IProgress<RunProgress>? _progress;
    private readonly CancellationToken _cancellation;
    private readonly int _passes;
    private readonly int _total;
    private int _pass;
    private int _done;

    /// <param name="passes">How many sampling passes the caller will run (for the progress total).</param>
    public CalibrationRun(RecipePlan plan, DitWeights weights, ITensorBackend backend, int passes, IProgress<RunProgress>? progress,
        CancellationToken cancellation)
    {
        _plan = plan;
        _spec = plan.Calibration ?? throw new InvalidOperationException($"{plan.Name} needs calibration statistics but has no calibrate statement");
        Validate(plan, _spec);
        _weights = weights;
        _backend = backend;
        _progress = progress;
        _cancellation = cancellation;
        _passes = passes;
        _total = passes * Batches * StepsRun;
    }

    /// <summary>A plan built by hand (not by the compiler, which refuses these) could ask for a run that observes
    /// nothing; every quantizer that needs statistics would then fail later, one layer at a time.</summary>
    private static void Validate(RecipePlan plan, CalibrationSpec spec)
    {
        string? problem = null;
        if (spec.Samples < 1)
            problem = $"calibrate samples {spec.Samples}: at least 1 sample is needed";
        else if (spec.Batch < 1)
            problem = $"calibrate batch {spec.Batch}: at least 1 sample per batch is needed";
        else if (spec.Steps.Count == 0)
            problem = $"calibrate selects no step of the {plan.Steps}";
        else if (spec.Steps.Any(s => s < 0 || s >= plan.Steps))
            problem = $"calibrate selects step {spec.Steps.First(s => s < 0 || s >= plan.Steps)}, outside 0..{plan.Steps - 1}";
        if (problem is not null)
            throw new QuantizationException(plan.Name, $"{problem}; static ranges, GPTQ and smoothing would get no calibration data");
    }

    private int Batches => (_spec.Samples + _spec.Batch - 1) / _spec.Batch;

    /// <summary>Sampling steps each batch runs: up to its last observed step, after which nothing is observed.</summary>
    private int StepsRun => _spec.Steps.Max() + 1;

    /// <summary>Seed of calibration batch <paramref name="batch"/>: away from the sampling seed's streams.</summary>
    public static ulong BatchSeed(ulong seed, int batch) => seed + 0x9E3779B97F4A7C15UL * (ulong)(batch + 1);

    /// <summary>One sampling pass over all calibration samples, observing what <paramref name="kinds"/> asks for.
    /// Progress: 0 of the total before the first forward, the product each forward is at, and every finished step;
    /// cancellation is checked before every product and inside GPTQ's Hessian update.</summary>
    public void Pass(CalibrationNeeds needs, CalibrationStatistics statistics, CalibrationKinds kinds, SmoothedWeights smoothed)
    {
        var model = _plan.Model;
        var labels = ClassLabels.Draw(_spec.Samples, (ulong)_plan.Sampler.Seed, model.NumClasses);
        var schedule = DiffusionSchedule.Create(_plan.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var ddim = _plan.Sampler.Kind == SamplerKind.Ddim;
        _pass++;
        if (_done == 0)
            _progress?.Report(new RunProgress("calibrate", 0, _total));
        var batch = 0;
        var step = 0;
        using var observer = new CalibrationObserver(needs, statistics, kinds, _spec.Steps.ToArray(), smoothed, new FloatOperators(_backend), _cancellation);
        var operators = new CheckedOperators(observer, _cancellation, site => _progress?.Report(new RunProgress("calibrate", _done, _total,
            $"{(_passes > 1 ? $"pass {_pass}/{_passes}, " : string.Empty)}batch {batch + 1}/{Batches}, step {step + 1}/{StepsRun}: {site.Name}")));
        using var dit = new DitModel(_weights, _backend, operators);
        for (; batch < Batches; batch++)
        {
            var first = batch * _spec.Batch;
            var count = Math.Min(_spec.Batch, _spec.Samples - first);
            var seed = BatchSeed((ulong)_plan.Sampler.Seed, batch);
            var latents = new float[count * model.InChannels * model.LatentSize * model.LatentSize];
            DiffusionSampler.InitialNoise(latents, seed);
            step = 0;
            using var denoiser = new DitDenoiser(dit, _backend, labels[first..(first + count)], (float)_plan.Sampler.Cfg, s => observer.Step = step = s);
            try
            {
                DiffusionSampler.Sample(schedule, ddim, latents, count, model.InChannels, denoiser.Denoise, DiffusionSampler.PhiloxNoise(seed), _ =>
                {
                    _progress?.Report(new RunProgress("calibrate", ++_done, _total));
                    _cancellation.ThrowIfCancellationRequested();
                }, _plan.Sampler.Eta, clipDenoised: model.PixelSpace, stepsToRun: StepsRun);
            }
            catch (NonFiniteActivationException e)
            {
                throw e.InRun("calibration");
            }
        }
    }
}
