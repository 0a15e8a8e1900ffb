using System.Linq;
using QRecipe.Plan;
using static QRecipe.Generator.Emit.Literals;

namespace QRecipe.Generator.Emit;

/// <summary>
/// Writes the typed accessors: per operator the whole setting and its parts by step and block (typed as
/// <see cref="Step"/> and <see cref="Block"/>, in the order of <see cref="RecipePlan.Get"/>, so a swap does not compile), per-head stream
/// lengths for qk and av, and smoothing by block. Range checks live in <see cref="RecipePlan.Get"/>, which names
/// the offending argument and its limits. Weight quantizers that do not change with the step (the usual case,
/// since the runtime quantizes weights once) are exposed without a step parameter.
/// </summary>
internal static class AccessorEmitter
{
    private const string Plan = "Plan";

    public static void Write(SourceWriter writer, RecipePlan? plan)
    {
        foreach (var op in Operators.PerBlock)
        {
            var name = op.ToString();
            var value = Enum(op);
            writer.Line("/// <summary>Setting of " + Operators.Name(op) + " at sampling <paramref name=\"step\"/> (0 = noisiest) in <paramref name=\"block\"/>.</summary>");
            writer.Line("public static " + PlanNamespace + "OpSetting " + name + "(" + PlanNamespace + "Step step, " + PlanNamespace + "Block block) => " + Plan + ".Get(step, block, " + value + ");");
            if (Operators.HasWeights(op))
            {
                writer.Line("/// <summary>Weight quantizer of " + Operators.Name(op) + " in <paramref name=\"block\"/>.</summary>");
                writer.Line(WeightsStepInvariant(plan, op)
                    ? "public static " + PlanNamespace + "WeightQuant " + name + "Weights(" + PlanNamespace + "Block block) => " + Plan + ".Get(new " + PlanNamespace + "Step(0), block, " + value + ").Weights;"
                    : "public static " + PlanNamespace + "WeightQuant " + name + "Weights(" + PlanNamespace + "Step step, " + PlanNamespace + "Block block) => " + name + "(step, block).Weights;");
            }
            writer.Line("/// <summary>Activation quantizer of " + Operators.Name(op) + " at <paramref name=\"step\"/> in <paramref name=\"block\"/>.</summary>");
            writer.Line("public static " + PlanNamespace + "ActivationQuant " + name + "Activations(" + PlanNamespace + "Step step, " + PlanNamespace + "Block block) => " + name + "(step, block).Activations;");
            writer.Line("/// <summary>SC setting of " + Operators.Name(op) + " at <paramref name=\"step\"/> in <paramref name=\"block\"/>.</summary>");
            writer.Line("public static " + PlanNamespace + "ScSetting " + name + "Sc(" + PlanNamespace + "Step step, " + PlanNamespace + "Block block) => " + name + "(step, block).Sc;");
            if (Operators.HasHeads(op))
            {
                writer.Line("/// <summary>SC stream length of one head of " + Operators.Name(op) + " (0 when SC is off or the head is pruned).</summary>");
                writer.Line("public static int " + name + "Stream(" + PlanNamespace + "Step step, " + PlanNamespace + "Block block, int head) =>");
                writer.Line("    (uint)head < (uint)" + Plan + ".Model.Heads");
                writer.Line("        ? " + name + "Sc(step, block).StreamOfHead(head)");
                writer.Line("        : throw new global::System.ArgumentOutOfRangeException(nameof(head), head, \"head must be in 0..\" + (" + Plan + ".Model.Heads - 1));");
            }
            if (Operators.HasWeights(op))
            {
                writer.Line("/// <summary>Activation smoothing of " + Operators.Name(op) + " in <paramref name=\"block\"/> (the same at every step).</summary>");
                writer.Line("public static " + PlanNamespace + "SmoothSetting " + name + "Smoothing(" + PlanNamespace + "Block block) => " + Plan + ".GetSmoothing(block.Index, " + value + ");");
            }
            writer.Line();
        }

        foreach (var op in Operators.Global)
        {
            var name = op.ToString();
            var value = Enum(op);
            writer.Line("/// <summary>Setting of " + Operators.Name(op) + " at sampling <paramref name=\"step\"/> (0 = noisiest).</summary>");
            writer.Line("public static " + PlanNamespace + "OpSetting " + name + "(" + PlanNamespace + "Step step) => " + Plan + ".GetGlobal(step.Index, " + value + ");");
            writer.Line("/// <summary>Weight quantizer of " + Operators.Name(op) + ".</summary>");
            writer.Line(WeightsStepInvariant(plan, op)
                ? "public static " + PlanNamespace + "WeightQuant " + name + "Weights() => " + Plan + ".GetGlobal(0, " + value + ").Weights;"
                : "public static " + PlanNamespace + "WeightQuant " + name + "Weights(" + PlanNamespace + "Step step) => " + name + "(step).Weights;");
            writer.Line("/// <summary>Activation quantizer of " + Operators.Name(op) + " at <paramref name=\"step\"/>.</summary>");
            writer.Line("public static " + PlanNamespace + "ActivationQuant " + name + "Activations(" + PlanNamespace + "Step step) => " + name + "(step).Activations;");
            writer.Line();
        }
    }

    /// <summary>True when no block's weight quantizer of <paramref name="op"/> changes with the step. Without a plan
    /// (a recipe with errors) the common step-free signature is the best guess.</summary>
    private static bool WeightsStepInvariant(RecipePlan? plan, Operator op)
    {
        if (plan is null)
            return true;
        var blocks = Operators.IsPerBlock(op) ? plan.Depth : 1;
        return Enumerable.Range(0, blocks).All(block =>
            Enumerable.Range(1, plan.Steps - 1).All(step => plan.Get(new Step(step), new Block(block), op).Weights.Equals(plan.Get(new Step(0), new Block(block), op).Weights)));
    }
}
