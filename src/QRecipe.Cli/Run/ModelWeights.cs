using System.IO;
using QRecipe.Plan;
using QRecipe.Plan.Models;
using QRecipe.Runtime.Bundled;
using QRecipe.Runtime.Checkpoints;

namespace QRecipe.Cli.Run;

/// <summary>How <c>run</c> and <c>export-model</c> find a recipe's float weights: <c>--checkpoint</c>, else the bundled
/// weights of a catalogue model that ships them, checked against the model before any work starts.</summary>
internal static class ModelWeights
{
    /// <summary>A catalogue model whose weights ship with QRecipe uses them when no checkpoint is given; false (after
    /// one line) when the bundled file is missing. <paramref name="checkpoint"/> stays null for other models.</summary>
    public static bool TryBundled(ModelSpec model, TextWriter error, out string? checkpoint)
    {
        checkpoint = null;
        if (ModelCatalog.BundledWeights(model.Name) is not { } bundled)
            return true;
        try
        {
            checkpoint = BundledAssets.Locate(bundled);
            return true;
        }
        catch (CheckpointException e)
        {
            error.WriteLine("qrecipe: " + e.Message);
            return false;
        }
    }

    /// <summary>Opens the checkpoint's header and checks its keys and shapes against the model (no tensor is
    /// read); false after one line when it is not a usable checkpoint of that model.</summary>
    public static bool Opens(string path, ModelSpec model, TextWriter error)
    {
        try
        {
            using var _ = Checkpoint.OpenDit(path, model);
            return true;
        }
        catch (CheckpointException e)
        {
            error.WriteLine("qrecipe: " + e.Message);
            return false;
        }
    }
}
