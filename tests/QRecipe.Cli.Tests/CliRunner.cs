using System.IO;

namespace QRecipe.Cli.Tests;

/// <summary>Runs the CLI in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The repository's recipes/ folder, found from the test assembly's location.</summary>
    public static string RecipesFolder
    {
        get
        {
            var directory = new DirectoryInfo(System.AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "QRecipe.sln")))
                directory = directory.Parent;
            return Path.Combine(directory!.FullName, "recipes");
        }
    }
}
