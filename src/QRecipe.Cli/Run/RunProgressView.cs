using System;
using System.Diagnostics;
using System.IO;
using QRecipe.Runtime.Execution;
using Spectre.Console;

namespace QRecipe.Cli.Run;

/// <summary>Progress of a run: Spectre.Console bars (step, it/s, ETA) on an interactive terminal, otherwise one line
/// per step; every line also goes to the run's log.</summary>
internal sealed class RunProgressView : IProgress<RunProgress>
{
    private readonly TextWriter _output;
    private readonly TextWriter _log;
    private readonly Stopwatch _phaseClock = new();
    private string? _phase;
    private ProgressContext? _context;
    private ProgressTask? _task;

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
            _task = _context?.AddTask(Describe(value.Phase), maxValue: value.Total);
        }
        var seconds = _phaseClock.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? value.Done / seconds : 0;
        var eta = rate > 0 ? (value.Total - value.Done) / rate : 0;
        var line = FormattableString.Invariant($"{Describe(value.Phase)} {value.Done}/{value.Total} ({rate:0.00} it/s, ETA {eta:0} s)");
        _log.WriteLine(line);
        if (_task is not null)
            _task.Value = value.Done;
        else
            _output.WriteLine(line);
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
