using System;
using System.Diagnostics;
using System.IO;
using QRecipe.Runtime.Execution;
using Spectre.Console;

namespace QRecipe.Cli.Run;

/// <summary>Progress of a run: Spectre.Console bars (step, it/s, ETA) on an interactive terminal, otherwise plain
/// lines (at most one a second per phase, and every finished phase); the log gets every unit and, at most once a
/// second, where inside a unit the work is. A stop request (Ctrl-C) is acknowledged at once with what the run
/// finishes before it stops. Reports may come from another thread (the stop request does), so they are serialised.</summary>
internal sealed class RunProgressView : IProgress<RunProgress>
{
    private readonly TextWriter _output;
    private readonly TextWriter _log;
    private readonly Stopwatch _phaseClock = new();
    private readonly object _lock = new();
    private string? _phase;
    private string? _detail;
    private ProgressContext? _context;
    private ProgressTask? _task;
    private int _firstDone;
    private int _lastDone;
    private double? _lastPrinted;
    private double? _lastLogged;

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
        lock (_lock)
        {
            if (value.Phase == RunProgress.Stop)
                AcknowledgeStop();
            else
                Show(value);
        }
    }

    private void Show(RunProgress value)
    {
        if (value.Phase != _phase)
        {
            _phase = value.Phase;
            _phaseClock.Restart();
            _firstDone = value.Done;
            _lastDone = value.Done - 1;
            _lastPrinted = null;
            _lastLogged = null;
            _task = _context?.AddTask(Describe(value.Phase), maxValue: Math.Max(value.Total, 1));
        }
        _detail = value.Detail;
        var seconds = _phaseClock.Elapsed.TotalSeconds;
        var line = $"{Describe(value.Phase)} {value.Done}/{value.Total}";
        if (value.Done > _firstDone && seconds > 0)
        {
            // The rate counts units finished since the phase's first report.
            var rate = (value.Done - _firstDone) / seconds;
            line += FormattableString.Invariant($" ({rate:0.00} it/s, ETA {(value.Total - value.Done) / rate:0} s)");
        }
        if (value.Detail is not null)
            line += ": " + value.Detail;
        // A unit finished (or the phase began) is logged always; where inside a unit the work is, once a second.
        var unit = value.Done != _lastDone && value.Detail is null;
        if (unit || _lastLogged is null || seconds - _lastLogged >= PrintInterval)
        {
            _log.WriteLine(line);
            _lastLogged = seconds;
        }
        if (unit)
            _lastDone = value.Done;
        if (_task is not null)
        {
            _task.Value = value.Done;
            _task.Description = Markup.Escape(value.Detail is null ? Describe(value.Phase) : $"{Describe(value.Phase)}: {value.Detail}");
        }
        else if (_lastPrinted is null || (value.Done == value.Total && value.Detail is null) || seconds - _lastPrinted >= PrintInterval)
        {
            // Without a terminal, at most one line a second per phase (and its first and last).
            _output.WriteLine(line);
            _lastPrinted = seconds;
        }
    }

    private void AcknowledgeStop()
    {
        var line = $"stopping after the current {Unit(_phase, _detail)} (Ctrl-C received)";
        _log.WriteLine(line);
        if (_task is not null)
            _task.Description = Markup.Escape(line);
        else
            _output.WriteLine(line);
    }

    /// <summary>What a phase finishes before it stops: the granularity its cancellation checks have.</summary>
    private static string Unit(string? phase, string? detail) => phase switch
    {
        "quantize" when detail?.Contains(": Hessian ", StringComparison.Ordinal) == true => "block of columns of the Hessian factorisation or inverse",
        "quantize" when detail?.Contains(": columns ", StringComparison.Ordinal) == true => "GPTQ column block",
        "quantize" or "smooth" => "layer",
        "calibrate" or "sample" or "float" => "product of the forward pass",
        "decode" => "image",
        _ => "operation",
    };

    private static string Describe(string phase) => phase switch
    {
        "calibrate" => "calibrating",
        "smooth" => "smoothing factors",
        "quantize" => "quantizing weights",
        "sample" => "sampling",
        "float" => "float reference",
        "decode" => "VAE decoding",
        _ => phase,
    };
}
