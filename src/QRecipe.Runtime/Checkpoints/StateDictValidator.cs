using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>Compares a DiT-layout state dict with the keys and shapes a model spec needs, collecting every problem.</summary>
public static class StateDictValidator
{
    public static ValidationReport Validate(StateDict tensors, ModelSpec model)
    {
        var expected = DitKeys.Expected(model);
        var names = new HashSet<string>(expected.Select(e => e.Name));
        var missing = new List<(string, int[])>();
        var mismatches = new List<ShapeMismatch>();
        foreach (var (name, shape) in expected)
        {
            if (!tensors.TryGetValue(name, out var entry))
            {
                if (name != DitKeys.PosEmbed)
                    missing.Add((name, shape));
            }
            else if (!CheckpointEntry.SameShape(entry.Shape, shape))
            {
                mismatches.Add(new ShapeMismatch(name, shape, entry.Shape.ToArray()));
            }
        }
        var unexpected = tensors.Where(t => !names.Contains(t.Name)).Select(t => (t.Name, t.Shape.ToArray())).ToList();
        return new ValidationReport(missing, unexpected, mismatches);
    }
}
