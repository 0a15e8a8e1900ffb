using System.CommandLine;
using System.IO;
using QRecipe.Language;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe check PATH…</c>: compiles recipes, prints every diagnostic and a summary of each plan.</summary>
internal static class CheckCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var paths = new Argument<string[]>("paths") { Description = "Recipe files or folders of .qrecipe files", Arity = ArgumentArity.OneOrMore };
        var command = new Command("check", "Compile recipes against their model and sampler; print diagnostics and the resolved plan summary");
        command.Arguments.Add(paths);
        command.SetAction(result => Run(result.GetRequiredValue(paths), output, error));
        return command;
    }

    private static int Run(string[] paths, TextWriter output, TextWriter error)
    {
        if (!RecipeFiles.TryExpand(paths, error, out var files))
            return CliApp.UsageError;
        var failed = 0;
        foreach (var file in files)
        {
            var text = RecipeFiles.Read(file, error);
            if (text is null)
            {
                failed++;
                continue;
            }
            var compilation = RecipeCompiler.Compile(text, file);
            foreach (var diagnostic in compilation.Diagnostics)
                (diagnostic.IsError ? error : output).WriteLine(diagnostic);
            if (compilation.Plan is null)
            {
                failed++;
                continue;
            }
            PlanSummary.Write(compilation.Plan, file, output);
        }
        var errors = failed == 0 ? "no errors" : $"{failed} with errors";
        output.WriteLine($"{files.Count} recipe{(files.Count == 1 ? string.Empty : "s")} checked, {errors}");
        return failed == 0 ? 0 : CliApp.RecipeErrors;
    }
}
