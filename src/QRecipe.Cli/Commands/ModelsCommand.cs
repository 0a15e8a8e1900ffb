using System.CommandLine;
using System.IO;
using QRecipe.Plan;
using QRecipe.Plan.Models;
using QRecipe.Runtime.Bundled;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe models</c>: the model catalogue with the shapes the checks use.</summary>
internal static class ModelsCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("models", "List the DiT models recipes can name, with their shapes");
        command.SetAction(_ =>
        {
            output.WriteLine($"{"model",-12} {"image",5} {"depth",5} {"hidden",6} {"heads",5} {"head dim",8} {"patch",5} {"tokens",6} {"GMACs/fwd",9}  weights");
            foreach (var name in ModelCatalog.Names)
            {
                foreach (var image in ModelCatalog.ImageSizesOf(name))
                {
                    var m = ModelCatalog.Find(name, image)!;
                    var bundled = ModelCatalog.BundledWeights(name);
                    var weights = bundled is null ? "--checkpoint" : File.Exists(Path.Combine(BundledAssets.Folder, bundled)) ? "bundled" : "bundled, but missing here";
                    output.WriteLine($"{name,-12} {image,5} {m.Depth,5} {m.Hidden,6} {m.Heads,5} {m.HeadDim,8} {m.PatchSize,5} {m.Tokens,6} {ForwardMacs(m) / 1e9,9:F3}  {weights}");
                }
            }
            output.WriteLine("model custom { depth D hidden H heads N patch P latent S [classes C] [channels K] } declares any other shape.");
            return 0;
        });
        return command;
    }

    /// <summary>Multiply-accumulates of the block operators in one forward pass of one sample.</summary>
    private static double ForwardMacs(ModelSpec model)
    {
        double macs = 0;
        foreach (var op in Operators.PerBlock)
            macs += model.Macs(op);
        return macs * model.Depth;
    }
}
