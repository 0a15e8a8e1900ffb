using System.Collections.Generic;
using System.IO;
using System.Linq;
using QRecipe.Language.Formatting;

namespace QRecipe.Language.Tests;

/// <summary>Formatter round-trips over every recipe in recipes/.</summary>
public sealed class RoundTripTests
{
    public static TheoryData<string> Recipes()
    {
        var data = new TheoryData<string>();
        foreach (var path in Snippets.RecipeFiles)
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void Recipes_folder_holds_the_issues_six_kinds_of_recipe() => Assert.True(Snippets.RecipeFiles.Count >= 6);

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Every_recipe_compiles_without_errors(string name)
    {
        var compilation = Snippets.Compile(Snippets.ReadRecipe(name));
        Assert.Empty(Snippets.Errors(compilation));
        Assert.NotNull(compilation.Plan);
    }

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Format_is_idempotent(string name)
    {
        var once = RecipeFormatter.Format(Snippets.ReadRecipe(name));
        Assert.True(once.Succeeded);
        var twice = RecipeFormatter.Format(once.Text);
        Assert.True(twice.Succeeded);
        Assert.Equal(once.Text, twice.Text);
    }

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Format_keeps_every_comment_in_order(string name)
    {
        var text = Snippets.ReadRecipe(name);
        var comments = Snippets.Compile(text).Syntax.Comments.Select(c => c.Text.Trim()).ToList();
        Assert.NotEmpty(comments);
        var formatted = RecipeFormatter.Format(text).Text;
        var from = 0;
        foreach (var comment in comments)
        {
            var at = formatted.IndexOf(comment, from, System.StringComparison.Ordinal);
            Assert.True(at >= 0, $"comment '{comment}' lost or out of order in:\n{formatted}");
            from = at + comment.Length;
        }
    }

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Formatted_recipe_compiles_to_an_equal_plan(string name)
    {
        var text = Snippets.ReadRecipe(name);
        var original = Snippets.Compile(text);
        var formatted = Snippets.Compile(RecipeFormatter.Format(text).Text);
        Assert.NotNull(original.Plan);
        Assert.Equal(original.Plan, formatted.Plan);
        Assert.Equal(original.Plan!.GetHashCode(), formatted.Plan!.GetHashCode());
        Assert.Equal(Ids(original.Diagnostics), Ids(formatted.Diagnostics));
    }

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Windows_line_endings_change_neither_plan_nor_formatted_text(string name)
    {
        var text = Snippets.ReadRecipe(name);
        var crlf = text.Replace("\n", "\r\n");
        Assert.Equal(Snippets.Compile(text).Plan, Snippets.Compile(crlf).Plan);
        Assert.Equal(RecipeFormatter.Format(text).Text, RecipeFormatter.Format(crlf).Text);
    }

    [Fact]
    public void Format_canonicalises_layout_and_keeps_trailing_comments()
    {
        const string messy = "recipe   T ;model dit-xl/2\n\n\n\nsampler   ddpm steps 50 // fifty\nat blocks 0,5..7   {\n weights int8  on qkv,fc1 // two\n}\n";
        const string expected = "recipe T\nmodel dit-xl/2\n\nsampler ddpm steps 50 // fifty\nat blocks 0, 5..7 {\n  weights int8 on qkv, fc1 // two\n}\n";
        Assert.Equal(expected, RecipeFormatter.Format(messy).Text);
    }

    [Fact]
    public void Format_refuses_text_with_syntax_errors_and_returns_it_unchanged()
    {
        const string broken = "recipe T\nwieghts int8\n";
        var result = RecipeFormatter.Format(broken);
        Assert.False(result.Succeeded);
        Assert.Equal(broken, result.Text);
        Assert.Contains(result.Errors, d => d.Id == "QR0002");
    }

    private static List<string> Ids(IEnumerable<Diagnostics.Diagnostic> diagnostics) => diagnostics.Select(d => d.Id).ToList();
}
