using System.Linq;
using System.Threading;
using QRecipe.Generator.Model;
using QRecipe.Language;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax;
using QRecipe.Plan;
using QRecipe.Plan.Text;
using LanguageDiagnostic = QRecipe.Language.Diagnostics.Diagnostic;

namespace QRecipe.Generator;

/// <summary>Turns one recipe file into its model: compiles the text with the language front end (the same call
/// the CLI makes at run time, so generated and run-time plans agree) and picks out what the emitter needs.</summary>
internal static class RecipeModelBuilder
{
    public static RecipeModel Build(RecipeInput input, GeneratorOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var relative = ProjectPaths.Relative(input.Path, options.ProjectDir);
        var hintName = ProjectPaths.HintName(relative);
        var ns = input.Namespace ?? options.Namespace;
        if (input.Text is null)
        {
            var unreadable = new LanguageDiagnostic(DiagnosticCatalog.UnreadableFile, $"cannot read recipe file '{input.Path}'", input.Path, default);
            return new RecipeModel(input.Path, relative, hintName, ns, ClassNames.FromFileName(input.Path), string.Empty,
                default, default, null, EquatableArray.Create(unreadable), options.ModernSyntax);
        }

        var compilation = RecipeCompiler.Compile(input.Text, input.Path);
        var header = compilation.Syntax.Statements.FirstOrDefault(s => s.Kind == StatementKind.Recipe);
        var name = header?.Clauses.FirstOrDefault()?.Arguments.FirstOrDefault() as WordArgument;
        var description = header?.Clauses.Skip(1).FirstOrDefault()?.Arguments.FirstOrDefault() as StringArgument;
        var className = name is not null && ClassNames.IsValid(name.Word.Text) ? name.Word.Text : ClassNames.FromFileName(input.Path);
        var diagnostics = compilation.Diagnostics.ToList();
        if (name is not null && ClassNames.Reserved.Contains(className))
        {
            // Valid for the language, but the generated class would have a member of its own name (CS0542).
            diagnostics.Add(new LanguageDiagnostic(DiagnosticCatalog.InvalidRecipeName,
                $"recipe name '{className}' is also the name of a member of the generated class; choose another name", input.Path, name.Word.Span));
            className = ClassNames.FromFileName(input.Path);
        }
        return new RecipeModel(
            input.Path,
            relative,
            hintName,
            ns,
            className,
            compilation.Plan?.Description ?? description?.String.Value ?? string.Empty,
            name?.Word.Span ?? default(SourceSpan),
            description?.String.Span ?? default(SourceSpan),
            compilation.Plan,
            diagnostics.ToEquatableArray(),
            options.ModernSyntax);
    }
}
