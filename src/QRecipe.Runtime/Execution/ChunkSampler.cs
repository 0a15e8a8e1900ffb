using System;
using System.Collections.Generic;
using System.Threading;
using QRecipe.Plan;
using QRecipe.Runtime.Diffusion;
using QRecipe.Runtime.Dit;

namespace QRecipe.Runtime.Execution;

/// <summary>Samples a run chunk by chunk: each chunk is one batch through the sampler, with its samples' own labels and
/// noise (<see cref="SampleStreams"/>), so a chunk's result depends on nothing outside it. Progress is one phase over
/// all chunks' steps.</summary>
internal sealed class ChunkSampler(RecipePlan plan, ulong seed, int[] labels, int sampleValues, IProgress<RunProgress>? progress, CancellationToken cancellation)
{
    private readonly DiffusionSchedule _schedule = DiffusionSchedule.Create(plan.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <param name="latents">The run's initial noise, replaced by its final states.</param>
    /// <param name="denoiser">The denoiser of a chunk, given its labels.</param>
    /// <param name="starting">Called before a chunk is sampled.</param>
    /// <param name="done">Called with each chunk's final states.</param>
    public void Run(string phase, IReadOnlyList<ChunkRange> chunks, float[] latents, Func<ChunkRange, int[], DitDenoiser> denoiser,
        Action<ChunkRange>? starting, Action<SampleChunk>? done)
    {
        var model = plan.Model;
        var ddim = plan.Sampler.Kind == SamplerKind.Ddim;
        var total = chunks.Count * plan.Steps;
        var finished = 0;
        progress?.Report(new RunProgress(phase, 0, total));
        foreach (var chunk in chunks)
        {
            var chunkLabels = labels[chunk.Offset..(chunk.Offset + chunk.Count)];
            var state = latents.AsSpan(chunk.Offset * sampleValues, chunk.Count * sampleValues);
            starting?.Invoke(chunk);
            var detail = chunks.Count > 1 ? $"chunk {chunk.Index - chunks[0].Index + 1}/{chunks.Count}" : null;
            using (var chunkDenoiser = denoiser(chunk, chunkLabels))
            {
                DiffusionSampler.Sample(_schedule, ddim, state, chunk.Count, model.InChannels, chunkDenoiser.Denoise, SampleStreams.StepNoise(seed, chunk.FirstSample, chunk.Count),
                    _ =>
                    {
                        progress?.Report(new RunProgress(phase, ++finished, total, detail));
                        cancellation.ThrowIfCancellationRequested();
                    }, plan.Sampler.Eta, clipDenoised: model.PixelSpace);
            }
            done?.Invoke(new SampleChunk(chunk.Index, chunk.FirstSample, chunkLabels, state.ToArray()));
        }
    }
}
