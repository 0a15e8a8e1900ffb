using System.CommandLine;
using System.IO;
using QRecipe.Cli.Commands;

namespace QRecipe.Cli;

/// <summary>The <c>qrecipe</c> command line. Output goes to the given writers so tests can run it in-process.</summary>
public static class CliApp
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("QRecipe: declarative, checked quantization and stochastic-computing recipes for diffusion transformers.");
        root.Subcommands.Add(CheckCommand.Create(output, error));
        root.Subcommands.Add(FormatCommand.Create(output, error));
        root.Subcommands.Add(ExplainCommand.Create(output, error));
        root.Subcommands.Add(ImportCommand.Create(output, error));
        root.Subcommands.Add(ExportCommand.Create(output, error));
        root.Subcommands.Add(ModelsCommand.Create(output));
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
