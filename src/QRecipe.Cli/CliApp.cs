using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using QRecipe.Cli.Commands;
using QRecipe.Cli.Output;
using QRecipe.Language.Text;
using QRecipe.Plan.Text;

namespace QRecipe.Cli;

/// <summary>The <c>qrecipe</c> command line. Output goes to the given writers so tests can run it in-process.
/// Exit codes: 0 ok, 1 recipe or input errors, 2 usage errors, 3 runtime failure, 4 a run whose activations became NaN or
/// infinite, 130 a run stopped by Ctrl-C.</summary>
public static partial class CliApp
{
    public const int RecipeErrors = 1;
    public const int UsageError = 2;
    public const int RuntimeFailure = 3;
    public const int NonFiniteActivation = 4;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var verbose = new Option<bool>("--verbose") { Description = "Print stack traces of unexpected failures", Recursive = true };
        var root = new RootCommand("QRecipe: declarative, checked quantization and stochastic-computing recipes for diffusion transformers.");
        root.Options.Add(verbose);
        root.Subcommands.Add(RunCommand.Create(output, error));
        root.Subcommands.Add(CheckCommand.Create(output, error));
        root.Subcommands.Add(FormatCommand.Create(output, error));
        root.Subcommands.Add(ExplainCommand.Create(output, error));
        root.Subcommands.Add(EvalCommand.Create(output, error));
        root.Subcommands.Add(ImportCommand.Create(output, error));
        root.Subcommands.Add(ExportCommand.Create(output, error));
        root.Subcommands.Add(ExportModelCommand.Create(output, error));
        root.Subcommands.Add(ModelsCommand.Create(output));
        root.Subcommands.Add(ScMatmulCommand.Create(output, error));
        root.Subcommands.Add(SelftestCommand.Create(output, error));
        root.Subcommands.Add(BenchCommand.Create(output, error));
        root.Subcommands.Add(MergeCommand.Create(output, error));
        root.Subcommands.Add(TuneCommand.Create(output, error));

        // The built-in --version reads the entry assembly, which is the test host when tests run the CLI in-process.
        if (args is ["--version"])
        {
            output.WriteLine(typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
            return 0;
        }
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            if (parse.CommandResult.Command is RootCommand && args is [var first, ..] && !first.StartsWith('-'))
            {
                // A mistyped command: one line with the nearest command, not the parser's "no command" and one line per argument.
                var names = root.Subcommands.Select(c => c.Name).ToArray();
                error.WriteLine($"qrecipe: unknown command '{SafeText.Escape(first, 40)}'{Suggestions.DidYouMean(first, names)}; the commands are {string.Join(", ", names)}");
                error.WriteLine("Run 'qrecipe --help' for usage.");
                return UsageError;
            }
            // One line per problem and where to look, instead of the whole help text.
            foreach (var problem in parse.Errors)
                error.WriteLine("qrecipe: " + SafeText.Escape(LineBreaks().Replace(problem.Message, " ")));
            var command = string.Join(" ", parse.CommandResult.Command is RootCommand ? Array.Empty<string>() : new[] { parse.CommandResult.Command.Name });
            error.WriteLine($"Run 'qrecipe {(command.Length == 0 ? string.Empty : command + " ")}--help' for usage.");
            return UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"qrecipe: {SafeText.Escape(UserMessage.Of(e))}");
            if (parse.GetValue(verbose))
                error.WriteLine(e.ToString());
            else
                error.WriteLine("(run again with --verbose for the stack trace)");
            return RuntimeFailure;
        }
    }

    // The parser's messages put lists on lines of their own ("Must be one of:\n\t'scmp-json'").
    [GeneratedRegex(@"\s*\r?\n\s*")]
    private static partial Regex LineBreaks();
}
