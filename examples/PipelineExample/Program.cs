using System;
using System.Linq;
using PipelineExample.Recipes;
using QRecipe.Evaluation.Quality;
using QRecipe.Plan;
using QRecipe.Runtime.IO;

namespace PipelineExample;

/// <summary>Samples the same classes from the same noise with the float recipe and the W4A8 recipe, through the
/// generated classes, and lets the bundled classifier judge both.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var samples = args.Length > 0 && int.TryParse(args[0], out var n) && n > 0 ? n : 10;
        // One sample per class, cycling through the ten Fashion-MNIST classes.
        var labels = Enumerable.Range(0, samples).Select(i => i % 10).ToArray();

        // Typed reads of the recipe: step first, then block; passing them the other way round does not compile.
        Console.WriteLine($"{FmnistW4A8.Name}: fc1 weights in block 2 are int{FmnistW4A8.Fc1Weights(new Block(2)).Bits}, "
            + $"qkv activations at step 10 in block 2 are int{FmnistW4A8.QkvActivations(new Step(10), new Block(2)).Bits}");

        using var classifier = BundledClassifier.Open();
        var floatAccuracy = Accuracy(FmnistFp.Run(FmnistFp.BundledSettings(samples, labels)).Latents, FmnistFp.Plan, labels, classifier);
        var w4a8Accuracy = Accuracy(FmnistW4A8.Run(FmnistW4A8.BundledSettings(samples, labels)).Latents, FmnistW4A8.Plan, labels, classifier);
        Console.WriteLine($"{samples} samples: class accuracy {FmnistFp.Name} {floatAccuracy:P0}, {FmnistW4A8.Name} {w4a8Accuracy:P0}");
        return 0;
    }

    private static double Accuracy(float[] latents, RecipePlan plan, int[] labels, BundledClassifier classifier)
    {
        var model = plan.Model;
        var images = SampleImages.ToBytes(latents, labels.Length, model.InChannels, model.ImageSize, model.ImageSize);
        return classifier.Measure(images, model.ImageSize, model.ImageSize, model.InChannels, labels).ClassAccuracy;
    }
}
