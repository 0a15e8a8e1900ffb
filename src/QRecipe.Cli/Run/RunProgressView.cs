using System;
using System.Diagnostics;
using System.IO;
using QRecipe.Runtime.Execution;
using Spectre.Console;

namespace QRecipe.Cli.Run;

/// <summary>Progress of a run: Spectre.Console bars (step, it/s, ETA) on an interactive terminal, otherwise plain
/// lines (at most one a second per phase); every line goes to the run's log.</summary>
internal sealed class RunProgressView : IProgress<RunProgress>
{
    private readonly TextWriter _output;
    private readonly TextWriter _log;
    private readonly Stopwatch _phaseClock = new();
    private string? _phase;
    private ProgressContext? _context;
    private ProgressTask? _task;
    private int _firstDone;
    private double? _lastPrinted;

    private const double PrintInterval = 1.0;

    public RunProgressView(TextWriter output, TextWriter log)
    {
        _output = output;
        _log = log;
    }

    public static bool Interactive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with bars on an interactive terminal, plainly otherwise.</summary>
    public T Show<T>(Func<T> work)
    {
        if (!Interactive(_output))
            return work();
        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                _context = context;
                return work();
            });
    }

    public void Report(RunProgress value)
    {
        if (value.Phase != _phase)
        {
            _phase = value.Phase;
            _phaseClock.Restart();
            _firstDone = value.Done;
            _lastPrinted = null;
            _task = _context?.AddTask(Describe(value.Phase), maxValue: value.Total);
        }
        // Reports come after each unit of work, so the rate is measured from the phase's first report on.
        var seconds = _phaseClock.Elapsed.TotalSeconds;
        var line = $"{Describe(value.Phase)} {value.Done}/{value.Total}";
        if (value.Done > _firstDone && seconds > 0)
        {
            var rate = (value.Done - _firstDone) / seconds;
            line += FormattableString.Invariant($" ({rate:0.00} it/s, ETA {(value.Total - value.Done) / rate:0} s)");
        }
        _log.WriteLine(line);
        if (_task is not null)
            _task.Value = value.Done;
        else if (_lastPrinted is null || value.Done == value.Total || seconds - _lastPrinted >= PrintInterval)
        {
            // Without a terminal, at most one line a second per phase (and its last); the log keeps every line.
            _output.WriteLine(line);
            _lastPrinted = seconds;
        }
    }

    private static string Describe(string phase) => phase switch
    {
        "quantize" => "quantizing weights",
        "sample" => "sampling",
        "float" => "float reference",
        "decode" => "VAE decoding",
        _ => phase,
    };
}
