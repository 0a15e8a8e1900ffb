using System;
using System.Globalization;

namespace QRecipe.Cli.Run.Shards;

/// <summary>Which of how many shards this process makes: <c>--shard I/N</c> (I from 0), or <c>--shard auto</c> from a
/// Slurm job array (<c>SLURM_ARRAY_TASK_ID</c> − <c>SLURM_ARRAY_TASK_MIN</c> of <c>SLURM_ARRAY_TASK_COUNT</c>) or a
/// Kubernetes Indexed Job (<c>JOB_COMPLETION_INDEX</c> of <c>--shard-count</c> or <c>QRECIPE_SHARD_COUNT</c>).</summary>
internal sealed record ShardSpec(int Index, int Count, string Origin)
{
    public const string CountVariable = "QRECIPE_SHARD_COUNT";

    /// <summary>The shard, or null with <paramref name="problem"/> set to one line.</summary>
    public static ShardSpec? Parse(string text, int? countOption, Func<string, string?> environment, out string? problem)
    {
        problem = null;
        if (text == "auto")
            return FromEnvironment(countOption, environment, out problem);
        var slash = text.IndexOf('/');
        if (slash < 0 || !Number(text[..slash], out var index) || !Number(text[(slash + 1)..], out var count) || count < 1 || index >= count)
        {
            problem = $"--shard {text}: expected I/N with 0 <= I < N (e.g. 0/4 .. 3/4), or auto";
            return null;
        }
        return Agrees(new ShardSpec(index, count, $"--shard {index}/{count}"), countOption, out problem);
    }

    private static ShardSpec? FromEnvironment(int? countOption, Func<string, string?> environment, out string? problem)
    {
        var slurmId = environment("SLURM_ARRAY_TASK_ID");
        var k8sIndex = environment("JOB_COMPLETION_INDEX");
        if (slurmId is not null && k8sIndex is not null)
        {
            problem = "--shard auto: both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set; give --shard I/N";
            return null;
        }
        if (slurmId is not null)
            return FromSlurm(slurmId, countOption, environment, out problem);
        if (k8sIndex is not null)
            return FromKubernetes(k8sIndex, countOption, environment, out problem);
        problem = "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give --shard I/N";
        return null;
    }

    private static ShardSpec? FromSlurm(string id, int? countOption, Func<string, string?> environment, out string? problem)
    {
        problem = null;
        var countText = environment("SLURM_ARRAY_TASK_COUNT");
        var minText = environment("SLURM_ARRAY_TASK_MIN") ?? "0";
        var maxText = environment("SLURM_ARRAY_TASK_MAX");
        if (!Number(id, out var task) || !Number(minText, out var min))
            problem = $"--shard auto: SLURM_ARRAY_TASK_ID {id} or SLURM_ARRAY_TASK_MIN {minText} is not a non-negative integer";
        else if (countText is null)
            problem = "--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (Slurm sets both in a job array)";
        else if (!Number(countText, out var count) || count < 1)
            problem = $"--shard auto: SLURM_ARRAY_TASK_COUNT {countText} is not a positive integer";
        else if (maxText is not null && (!Number(maxText, out var max) || max - min + 1 != count))
            problem = $"--shard auto: the array runs {minText}..{maxText} but has {countText} tasks; use a contiguous --array such as 0-{count - 1}";
        else if (task < min || task - min >= count)
            problem = $"--shard auto: SLURM_ARRAY_TASK_ID {task} is outside {min}..{min + count - 1} (SLURM_ARRAY_TASK_MIN {min}, SLURM_ARRAY_TASK_COUNT {count})";
        else
            return Agrees(new ShardSpec(task - min, count, $"Slurm array task {task} of {count}"), countOption, out problem);
        return null;
    }

    private static ShardSpec? FromKubernetes(string indexText, int? countOption, Func<string, string?> environment, out string? problem)
    {
        problem = null;
        var variable = environment(CountVariable);
        int? fromVariable = null;
        if (variable is not null)
        {
            if (!Number(variable, out var parsed) || parsed < 1)
            {
                problem = $"--shard auto: {CountVariable} {variable} is not a positive integer";
                return null;
            }
            fromVariable = parsed;
        }
        if (countOption is { } option && fromVariable is { } value && option != value)
            problem = $"--shard auto: --shard-count {option} disagrees with {CountVariable} {value}";
        else if ((countOption ?? fromVariable) is not { } count)
            problem = $"--shard auto: JOB_COMPLETION_INDEX is set but the number of shards is not: pass --shard-count N or set {CountVariable} (the Job's completions)";
        else if (!Number(indexText, out var index) || index >= count)
            problem = $"--shard auto: JOB_COMPLETION_INDEX {indexText} is not an integer in 0..{count - 1}";
        else
            return new ShardSpec(index, count, $"Kubernetes completion index {index} of {count}");
        return null;
    }

    /// <summary>A <c>--shard-count</c> beside an explicit count must say the same.</summary>
    private static ShardSpec? Agrees(ShardSpec spec, int? countOption, out string? problem)
    {
        problem = countOption is { } option && option != spec.Count ? $"--shard-count {option} disagrees with {spec.Origin}" : null;
        return problem is null ? spec : null;
    }

    private static bool Number(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
