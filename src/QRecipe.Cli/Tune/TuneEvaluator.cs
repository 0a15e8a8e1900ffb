using System;
using System.Linq;
using System.Threading;
using QRecipe.Evaluation.Quality;
using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.IO;
using QRecipe.Runtime.Tuning;

namespace QRecipe.Cli.Tune;

/// <summary>Quality of a search candidate on the search seeds: the mean squared error of its noise prediction against the
/// float model's along the float trajectory (<see cref="TeacherForcing"/>) and the same as a signal-to-noise ratio
/// (mean square of the float prediction over the error, in dB).</summary>
internal sealed record SearchMetrics(double EpsilonMse, double SnrDb);

/// <summary>Quality on held-out samples: FID against the test set's features and class accuracy.</summary>
internal sealed record ValidationMetrics(double Fid, double ClassAccuracy);

/// <summary>
/// Runs candidate plans on the bundled weights, loaded once. Search samples are 0 .. seeds − 1 of the recipe's seed (the
/// float trajectory is recorded once per process) and
/// validation samples start at <see cref="ValidationFirstSample"/>, so the two sets never share a sample; each sample's
/// label and noise depend on the seed and its index alone (docs/cluster.md), so every candidate sees the same ones.
/// </summary>
internal sealed class TuneEvaluator(RecipePlan basePlan, DitWeights weights, BundledClassifier judge, IComputeDevice device, CancellationToken cancellation)
{
    /// <summary>First held-out sample: a multiple of the chunk size, far above any search seed count.</summary>
    public const int ValidationFirstSample = 1 << 24;

    private FloatTrajectory? _trajectory;
    private double _signal;

    public SearchMetrics Search(RecipePlan plan, int seeds)
    {
        if (_trajectory is null || _trajectory.Samples != seeds)
        {
            _trajectory = FloatTrajectory.Record(FloatPlan(basePlan), weights, device.Tensors, seeds, cancellation);
            _signal = MeanSquareOfEpsilon(_trajectory);
        }
        var mse = TeacherForcing.EpsilonError(plan, weights, _trajectory, device, cancellation);
        return new SearchMetrics(mse, mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(_signal / mse));
    }

    private static double MeanSquareOfEpsilon(FloatTrajectory trajectory)
    {
        var model = trajectory.Plan.Model;
        var stateValues = model.InChannels * model.LatentSize * model.LatentSize;
        var outputValues = model.OutChannels * model.LatentSize * model.LatentSize;
        double sum = 0;
        foreach (var outputs in trajectory.Outputs)
        {
            for (var n = 0; n < trajectory.Samples; n++)
            {
                for (var i = 0; i < stateValues; i++)
                    sum += (double)outputs[n * outputValues + i] * outputs[n * outputValues + i];
            }
        }
        return sum / ((double)trajectory.Outputs.Length * trajectory.Samples * stateValues);
    }

    public ValidationMetrics Validate(RecipePlan plan, int samples)
    {
        var (images, labels) = Images(plan, samples, ValidationFirstSample);
        var model = plan.Model;
        var quality = judge.Measure(images, model.ImageSize, model.ImageSize, model.InChannels, labels);
        return new ValidationMetrics(quality.Fid, quality.ClassAccuracy);
    }

    private (byte[] Images, int[] Labels) Images(RecipePlan plan, int samples, int firstSample)
    {
        var settings = new RunSettings(samples, null, (ulong)plan.Sampler.Seed, null, 0, false, FirstSample: firstSample);
        var result = RecipeRunner.Run(plan, settings, weights, device, cancellation: cancellation);
        var model = plan.Model;
        return (SampleImages.ToBytes(result.Latents, samples, model.InChannels, model.LatentSize, model.LatentSize), result.Labels);
    }

    /// <summary>The base plan with every cell in floating point: the reference images.</summary>
    private static RecipePlan FloatPlan(RecipePlan plan) => new(
        plan.Name + "Float", plan.Description, plan.Model, plan.Sampler, null,
        EquatableArray.Create(OpSetting.Float), new EquatableArray<int>(new int[plan.Cells.Count]),
        new EquatableArray<SmoothSetting>(Enumerable.Repeat(SmoothSetting.None, plan.SlotsPerStep).ToArray()));
}
