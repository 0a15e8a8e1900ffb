namespace QRecipe.Generator.Tests;

public sealed class ProjectPathsTests
{
    [Theory]
    [InlineData("/proj/recipes/a.qrecipe", "/proj/", "recipes/a.qrecipe")]
    [InlineData("/proj/recipes/a.qrecipe", "/proj", "recipes/a.qrecipe")]
    [InlineData("/repo/recipes/a.qrecipe", "/repo/src/QRecipe.Recipes/", "../../recipes/a.qrecipe")]
    [InlineData(@"C:\repo\recipes\a.qrecipe", @"C:\repo\src\App\", "../../recipes/a.qrecipe")]
    [InlineData(@"D:\other\a.qrecipe", @"C:\repo\", "D:/other/a.qrecipe")]
    [InlineData("/proj/a.qrecipe", "", "/proj/a.qrecipe")]
    public void Relative_paths_use_forward_slashes(string path, string projectDir, string expected) =>
        Assert.Equal(expected, ProjectPaths.Relative(path, projectDir));

    [Theory]
    [InlineData("recipes/a.qrecipe", "recipes_a.qrecipe.g.cs")]
    [InlineData("../../recipes/dit w4 (v2).qrecipe", "up_up_recipes_dit_w4__v2_.qrecipe.g.cs")]
    [InlineData("recipes/gpt/model.qrecipe", "recipes_gpt_model.qrecipe.g.cs")]
    public void Hint_names_come_from_the_relative_path(string relative, string expected) =>
        Assert.Equal(expected, ProjectPaths.HintName(relative));

    [Theory]
    [InlineData("/proj/dit_w4a8-sc.qrecipe", "DitW4a8Sc")]
    [InlineData(@"C:\proj\8bit.qrecipe", "Recipe8bit")]
    [InlineData("/proj/---.qrecipe", "Recipe")]
    public void Fallback_class_names_come_from_the_file_name(string path, string expected) =>
        Assert.Equal(expected, ClassNames.FromFileName(path));
}
