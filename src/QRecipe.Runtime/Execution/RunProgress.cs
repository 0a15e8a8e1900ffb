namespace QRecipe.Runtime.Execution;

/// <summary>A progress report: <paramref name="Phase"/> ("calibrate", "smooth", "quantize", "sample", "float",
/// "decode") at <paramref name="Done"/> of <paramref name="Total"/> units. Every phase reports 0 of its total when it
/// starts, then after each unit; <paramref name="Detail"/> says where inside the current unit the work is (the block of
/// a calibration forward, the GPTQ column block of a layer), for units that take long.</summary>
public readonly record struct RunProgress(string Phase, int Done, int Total, string? Detail = null)
{
    /// <summary>The phase name of <see cref="StopRequested"/>.</summary>
    public const string Stop = "stop";

    /// <summary>Reported once, at once, when the run's cancellation token is cancelled: the work stops at the next
    /// check (before the next product, layer or GPTQ column block).</summary>
    public static RunProgress StopRequested => new(Stop, 0, 0);
}
