using System;
using System.Linq;
using QRecipe.Language.Formatting;

namespace QRecipe.Language.Tests;

/// <summary>Properties over seeded random valid recipes (<see cref="RandomRecipes"/>).</summary>
public sealed class PropertyTests
{
    private const int Recipes = 300;

    [Fact]
    public void Random_valid_recipes_compile_format_to_a_fixpoint_and_keep_their_plan()
    {
        var generator = new RandomRecipes(seed: 20261125);
        var layout = new Random(7);
        for (var i = 0; i < Recipes; i++)
        {
            var recipe = generator.Next();
            var canonical = RandomRecipes.Render(recipe, layout, noisy: false, shuffled: false);
            var noisy = RandomRecipes.Render(recipe, layout, noisy: true, shuffled: false);
            var shuffled = RandomRecipes.Render(recipe, layout, noisy: false, shuffled: true);

            var compiled = Snippets.Compile(canonical);
            Assert.True(compiled.Plan is not null, $"recipe {i} has errors:\n{canonical}\n{string.Join("\n", compiled.Diagnostics)}");

            // The generator prints the formatter's own layout, so formatting canonical text changes nothing.
            Assert.Equal(canonical, RecipeFormatter.Format(canonical).Text);

            var formatted = RecipeFormatter.Format(noisy);
            Assert.True(formatted.Succeeded, $"recipe {i}:\n{noisy}\n{string.Join("\n", formatted.Errors)}");
            Assert.Equal(formatted.Text, RecipeFormatter.Format(formatted.Text).Text);
            foreach (var comment in Snippets.Compile(noisy).Syntax.Comments)
                Assert.Contains(comment.Text.Trim(), formatted.Text, StringComparison.Ordinal);

            foreach (var variant in new[] { noisy, formatted.Text, shuffled })
            {
                var plan = Snippets.Compile(variant).Plan;
                Assert.True(compiled.Plan!.Equals(plan), $"recipe {i}: plan differs for\n{variant}\nfrom\n{canonical}");
                Assert.Equal(compiled.Plan.GetHashCode(), plan!.GetHashCode());
            }
            Assert.Equal(compiled.Diagnostics.Select(d => d.Id), Snippets.Compile(noisy).Diagnostics.Select(d => d.Id));
        }
    }
}
