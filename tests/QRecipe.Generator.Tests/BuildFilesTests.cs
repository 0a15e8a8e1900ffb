using System.IO;
using System.Linq;
using System.Xml.Linq;
using QRecipe.Generator.Tests.Harness;

namespace QRecipe.Generator.Tests;

/// <summary>The options the generator reads must be made visible to it by build/QRecipe.Generator.props, and the
/// targets must keep the guardrails; otherwise settings silently do nothing in consumer builds.</summary>
public sealed class BuildFilesTests
{
    private static XDocument Load(string name) =>
        XDocument.Load(Path.Combine(TestPaths.RepositoryRoot, "src", "QRecipe.Generator", "build", name));

    [Fact]
    public void Props_expose_every_property_and_metadata_the_generator_reads()
    {
        var props = Load("QRecipe.Generator.props");
        var properties = props.Descendants("CompilerVisibleProperty").Select(e => (string?)e.Attribute("Include")).ToList();
        var metadata = props.Descendants("CompilerVisibleItemMetadata")
            .Where(e => (string?)e.Attribute("Include") == "AdditionalFiles")
            .Select(e => (string?)e.Attribute("MetadataName")).ToList();

        Assert.Contains("QRecipeNamespace", properties);
        Assert.Contains("ProjectDir", properties);
        Assert.Contains("QRecipeNamespace", metadata);
        Assert.Contains(props.Descendants("QRecipeFile"), e => (string?)e.Attribute("Include") == "**/*.qrecipe");
    }

    [Fact]
    public void Targets_turn_recipes_into_additional_files_and_loader_warnings_into_errors()
    {
        var targets = Load("QRecipe.Generator.targets");
        var errors = targets.Descendants("WarningsAsErrors").Single().Value;

        Assert.Contains(targets.Descendants("AdditionalFiles"), e => ((string?)e.Attribute("Include"))!.StartsWith("@(QRecipeFile"));
        foreach (var id in new[] { "CS9057", "CS8032", "CS8784", "CS8785" })
            Assert.Contains(id, errors);
    }
}
