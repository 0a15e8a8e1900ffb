using System.CommandLine;
using System.IO;
using QRecipe.Cli.Run.Shards;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe merge DIR… --out samples.npz</c>: joins the chunks of a sharded run (docs/cluster.md).</summary>
internal static class MergeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var folders = new Argument<string[]>("folders") { Description = "Folders the shards wrote (run --shard ... --out DIR)", Arity = ArgumentArity.OneOrMore };
        var outPath = new Option<string>("--out") { Description = "The merged .npz (ADM's layout); the manifest goes beside it as .json", DefaultValueFactory = _ => "samples.npz" };
        var command = new Command("merge", "Merge the chunks of a sharded run into one samples.npz and its manifest");
        command.Arguments.Add(folders);
        command.Options.Add(outPath);
        command.SetAction(result => new ShardMerge(output, error).Run(result.GetRequiredValue(folders), result.GetRequiredValue(outPath)));
        return command;
    }
}
