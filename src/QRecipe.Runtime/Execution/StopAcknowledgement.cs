using System;
using System.Threading;

namespace QRecipe.Runtime.Execution;

/// <summary>
/// Reports <see cref="RunProgress.StopRequested"/> once when the run's token is cancelled: at once from the cancelling
/// thread, or, when the work saw the cancellation first and is already leaving, from the leaving thread on
/// <see cref="Dispose"/>. A token's flag is set before its callbacks run, so the work can stop and remove the
/// registration before the callback starts, and the stop would then never be acknowledged.
/// </summary>
internal sealed class StopAcknowledgement : IDisposable
{
    private readonly IProgress<RunProgress>? _progress;
    private readonly CancellationToken _cancellation;
    private readonly CancellationTokenRegistration _registration;
    private int _reported;

    public StopAcknowledgement(IProgress<RunProgress>? progress, CancellationToken cancellation)
    {
        _progress = progress;
        _cancellation = cancellation;
        _registration = cancellation.Register(Report);
    }

    private void Report()
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
            _progress?.Report(RunProgress.StopRequested);
    }

    /// <summary>Removes the registration (waiting for a callback already running) and acknowledges a stop the callback
    /// did not.</summary>
    public void Dispose()
    {
        _registration.Dispose();
        if (_cancellation.IsCancellationRequested)
            Report();
    }
}
