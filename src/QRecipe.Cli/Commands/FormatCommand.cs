using System.CommandLine;
using System.IO;
using QRecipe.Language.Formatting;
using QRecipe.Plan.Text;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe fmt PATH… [--check]</c>: rewrites recipes in canonical layout, keeping every comment.</summary>
internal static class FormatCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var paths = new Argument<string[]>("paths") { Description = "Recipe files or folders of .qrecipe files", Arity = ArgumentArity.OneOrMore };
        var check = new Option<bool>("--check") { Description = "Change nothing; exit with 1 if a file is not in canonical layout" };
        var command = new Command("fmt", "Format recipes in canonical layout");
        command.Arguments.Add(paths);
        command.Options.Add(check);
        command.SetAction(result => Run(result.GetRequiredValue(paths), result.GetValue(check), output, error));
        return command;
    }

    private static int Run(string[] paths, bool check, TextWriter output, TextWriter error)
    {
        if (!RecipeFiles.TryExpand(paths, error, out var files))
            return CliApp.UsageError;
        var status = 0;
        foreach (var file in files)
        {
            var text = RecipeFiles.Read(file, error);
            if (text is null)
            {
                status = CliApp.RecipeErrors;
                continue;
            }
            var result = RecipeFormatter.Format(text, file);
            if (!result.Succeeded)
            {
                foreach (var diagnostic in result.Errors)
                    error.WriteLine(diagnostic);
                error.WriteLine($"{SafeText.Escape(file)}: not formatted because of syntax errors");
                status = CliApp.RecipeErrors;
                continue;
            }
            if (result.Text == text)
                continue;
            if (check)
            {
                output.WriteLine($"{SafeText.Escape(file)}: not in canonical layout");
                status = CliApp.RecipeErrors;
            }
            else
            {
                RecipeFiles.WriteAtomically(file, result.Text);
                output.WriteLine($"{SafeText.Escape(file)}: formatted");
            }
        }
        return status;
    }
}
