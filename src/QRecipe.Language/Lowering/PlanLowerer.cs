using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Binding;
using QRecipe.Language.Diagnostics;
using QRecipe.Plan;

namespace QRecipe.Language.Lowering;

/// <summary>
/// Applies the rules of a bound recipe to every cell in source order (the last matching rule wins), checks the
/// resulting SC settings against their operands, and packs the result into a <see cref="RecipePlan"/>.
/// </summary>
internal sealed class PlanLowerer
{
    private readonly BoundRecipe _recipe;
    private readonly DiagnosticSink _sink;
    private readonly ModelSpec _model;
    private readonly int _slotsPerStep;
    private readonly int[] _streamSlotStart;
    private readonly int[] _streamSlotCount;
    private readonly int _streamSlotsPerStep;
    private readonly bool[][] _ruleSlots;
    private readonly int[] _selected;
    private readonly int[] _winning;
    private readonly Dictionary<int, bool> _mpEffective = new();

    public PlanLowerer(BoundRecipe recipe, DiagnosticSink sink)
    {
        _recipe = recipe;
        _sink = sink;
        _model = recipe.Model;
        _slotsPerStep = _model.Depth * Operators.PerBlockCount + Operators.Global.Count;
        _selected = new int[recipe.Rules.Count];
        _winning = new int[recipe.Rules.Count];
        (_streamSlotStart, _streamSlotCount, _streamSlotsPerStep) = LayOutStreamSlots();
        _ruleSlots = new bool[recipe.Rules.Count][];
        for (var index = 0; index < recipe.Rules.Count; index++)
            _ruleSlots[index] = SlotsOf(recipe.Rules[index].Scope);
    }

    /// <summary>The slots (block, operator) a scope covers; global operators belong to every block, so they are
    /// covered when any block is.</summary>
    private bool[] SlotsOf(Scope scope)
    {
        var anyBlock = Array.IndexOf(scope.Blocks, true) >= 0;
        var slots = new bool[_slotsPerStep];
        for (var slot = 0; slot < _slotsPerStep; slot++)
        {
            var block = BlockOf(slot);
            slots[slot] = scope.Operators[(int)OperatorOf(slot)] && (block < 0 ? anyBlock : scope.Blocks[block]);
        }
        return slots;
    }

    /// <summary>The deciding rule of every slot of one step, per aspect (-1: none). Steps are lowered one at a time
    /// and only two are held, so lowering needs no memory proportional to the step count (a DiT-XL recipe has
    /// 1,038 stream slots per step: per-step tables keep every array small).</summary>
    private sealed class StepOwners
    {
        public StepOwners(int slots, int streamSlots)
        {
            Weights = new int[slots];
            Activations = new int[slots];
            Mp = new int[slots];
            Range = new int[slots];
            Streams = new int[streamSlots];
            All = new[] { Weights, Activations, Mp, Range, Streams };
        }

        public int[] Weights { get; }

        public int[] Activations { get; }

        public int[] Mp { get; }

        public int[] Range { get; }

        public int[] Streams { get; }

        public int[][] All { get; }

        public void Clear()
        {
            foreach (var owners in All)
            {
                for (var i = 0; i < owners.Length; i++)
                    owners[i] = -1;
            }
        }

        /// <summary>Whether a slot of this step has the same deciding rules as a slot of the same operator (same
        /// stream layout) in another step or block.</summary>
        public bool SameOwners(int slot, StepOwners other, int otherSlot, int streamStart, int otherStreamStart, int streamCount)
        {
            if (Weights[slot] != other.Weights[otherSlot] || Activations[slot] != other.Activations[otherSlot] || Mp[slot] != other.Mp[otherSlot]
                || Range[slot] != other.Range[otherSlot])
                return false;
            for (var i = 0; i < streamCount; i++)
            {
                if (Streams[streamStart + i] != other.Streams[otherStreamStart + i])
                    return false;
            }
            return true;
        }
    }

    /// <summary>Each (block, operator) slot has one stream slot per head (qk, av), per declared output-row group, or a
    /// single one; every step has the same layout.</summary>
    private (int[] Start, int[] Count, int PerStep) LayOutStreamSlots()
    {
        var groupCounts = new Dictionary<Operator, int>();
        foreach (var rule in _recipe.Rules.OfType<StreamRule>().Where(r => r.GroupCount > 0))
        {
            foreach (var op in Operators.PerBlock.Where(o => rule.Scope.Operators[(int)o]))
                groupCounts[op] = rule.GroupCount;
        }
        var start = new int[_slotsPerStep];
        var count = new int[_slotsPerStep];
        var next = 0;
        for (var slot = 0; slot < _slotsPerStep; slot++)
        {
            var op = OperatorOf(slot);
            count[slot] = Operators.HasHeads(op) ? _model.Heads : groupCounts.TryGetValue(op, out var groups) ? groups : 1;
            start[slot] = next;
            next += count[slot];
        }
        return (start, count, next);
    }

    private Operator OperatorOf(int slot) =>
        slot < _model.Depth * Operators.PerBlockCount ? Operators.PerBlock[slot % Operators.PerBlockCount] : Operators.Global[slot - _model.Depth * Operators.PerBlockCount];

    private int BlockOf(int slot) => slot < _model.Depth * Operators.PerBlockCount ? slot / Operators.PerBlockCount : -1;

    public (RecipePlan? Plan, IReadOnlyList<RuleReport> Reports) Lower()
    {
        var smoothing = ApplySmoothing();
        var cells = new int[_recipe.Sampler.Steps * _slotsPerStep];
        var current = new StepOwners(_slotsPerStep, _streamSlotsPerStep);
        var previous = new StepOwners(_slotsPerStep, _streamSlotsPerStep);
        var palette = new Palette(this);
        var stepSelected = new int[_recipe.Rules.Count];
        var stepWinning = new int[_recipe.Rules.Count];
        for (var step = 0; step < _recipe.Sampler.Steps; step++)
        {
            var offset = step * _slotsPerStep;
            // Most recipes change little from one step to the next. A step where the same rules apply as in the step
            // before it has the same owners, counts and cells; a step whose rules resolve to the same owners has the
            // same cells.
            if (step > 0 && SameRulesApply(step - 1, step))
            {
                AddTo(_selected, stepSelected);
                AddTo(_winning, stepWinning);
                Array.Copy(cells, offset - _slotsPerStep, cells, offset, _slotsPerStep);
                continue;
            }
            current.Clear();
            Array.Clear(stepSelected, 0, stepSelected.Length);
            Array.Clear(stepWinning, 0, stepWinning.Length);
            for (var index = 0; index < _recipe.Rules.Count; index++)
            {
                var rule = _recipe.Rules[index];
                if (rule is not SmoothRule && rule.Scope.Steps[step])
                    Apply(index, rule, current, stepSelected);
            }
            foreach (var owners in current.All)
                CountWinners(owners, stepWinning);
            AddTo(_selected, stepSelected);
            AddTo(_winning, stepWinning);
            for (var slot = 0; slot < _slotsPerStep; slot++)
                cells[offset + slot] = CellOf(current, previous, step, slot, cells, palette);
            (current, previous) = (previous, current);
        }
        var reports = Report();
        foreach (var rule in _mpEffective.Where(p => !p.Value).Select(p => _recipe.Rules[p.Key]))
        {
            _sink.Report(DiagnosticCatalog.MixedPrecisionWithoutSc, rule.Span,
                $"{(rule is RangeRule ? "range mixed" : "mixed")} precision only refines cells where SC is on, and SC is off in every cell this rule decides; it has no effect");
        }
        if (_sink.HasErrors)
            return (null, reports);
        var plan = new RecipePlan(_recipe.Name, _recipe.Description, _model, _recipe.Sampler, _recipe.Calibration,
            new EquatableArray<OpSetting>(palette.Settings.ToArray()), new EquatableArray<int>(cells), new EquatableArray<SmoothSetting>(smoothing));
        return (plan, reports);
    }

    /// <summary>The palette index of a slot. A slot with the same deciding rules as the same operator in the block
    /// before, or as itself in the step before, has the same setting: rules select runs of blocks and steps, so most
    /// slots are settled by one comparison instead of a palette lookup.</summary>
    private int CellOf(StepOwners current, StepOwners previous, int step, int slot, int[] cells, Palette palette)
    {
        var offset = step * _slotsPerStep;
        var start = _streamSlotStart[slot];
        var count = _streamSlotCount[slot];
        var before = slot - Operators.PerBlockCount;
        if (BlockOf(slot) > 0 && current.SameOwners(slot, current, before, start, _streamSlotStart[before], count))
            return cells[offset + before];
        if (step > 0 && current.SameOwners(slot, previous, slot, start, start, count))
            return cells[offset - _slotsPerStep + slot];
        return palette.IndexOf(current, slot);
    }

    private bool SameRulesApply(int a, int b)
    {
        foreach (var rule in _recipe.Rules)
        {
            if (rule.Scope.Steps[a] != rule.Scope.Steps[b])
                return false;
        }
        return true;
    }

    /// <summary>Smoothing is per (block, operator): the last smoothing rule over a slot decides it.</summary>
    private SmoothSetting[] ApplySmoothing()
    {
        var owners = new int[_slotsPerStep];
        for (var slot = 0; slot < _slotsPerStep; slot++)
            owners[slot] = -1;
        for (var index = 0; index < _recipe.Rules.Count; index++)
        {
            if (_recipe.Rules[index] is not SmoothRule)
                continue;
            for (var slot = 0; slot < _slotsPerStep; slot++)
            {
                if (_ruleSlots[index][slot])
                {
                    owners[slot] = index;
                    _selected[index]++;
                }
            }
        }
        CountWinners(owners, _winning);
        var settings = new SmoothSetting[_slotsPerStep];
        for (var slot = 0; slot < _slotsPerStep; slot++)
            settings[slot] = owners[slot] < 0 ? SmoothSetting.None : ((SmoothRule)_recipe.Rules[owners[slot]]).Setting;
        return settings;
    }

    private static void CountWinners(int[] owners, int[] winning)
    {
        foreach (var owner in owners)
        {
            if (owner >= 0)
                winning[owner]++;
        }
    }

    private static void AddTo(int[] totals, int[] counts)
    {
        for (var i = 0; i < totals.Length; i++)
            totals[i] += counts[i];
    }

    private void Apply(int index, BoundRule rule, StepOwners step, int[] selected)
    {
        var slots = _ruleSlots[index];
        var owners = rule switch
        {
            WeightRule => step.Weights,
            ActivationRule => step.Activations,
            MixedPrecisionRule => step.Mp,
            RangeRule => step.Range,
            _ => null,
        };
        for (var slot = 0; slot < _slotsPerStep; slot++)
        {
            if (!slots[slot])
                continue;
            if (owners is null)
                ApplyStream(index, (StreamRule)rule, slot, step.Streams, selected);
            else
            {
                if (rule is MixedPrecisionRule mp && owners[slot] >= 0)
                    CheckOnePolicy((MixedPrecisionRule)_recipe.Rules[owners[slot]], mp);
                owners[slot] = index;
                selected[index]++;
            }
        }
    }

    /// <summary>One row-classification policy per operator cell (QR0618): a cell's quantile classes are not
    /// replaced by adaptive ones or the reverse, as scmp silently lets adaptive MP win over fractions.</summary>
    private void CheckOnePolicy(MixedPrecisionRule earlier, MixedPrecisionRule later)
    {
        if (earlier.Policy.Adaptive is null == later.Policy.Adaptive is null)
            return;
        static string Policy(MixedPrecisionRule rule) => rule.Policy.Adaptive is null ? "by fractions" : "adaptively";
        _sink.ReportOnce(DiagnosticCatalog.ConflictingRowPolicies, later.Span,
            $"this rule classifies rows {Policy(later)}, but the rule at line {earlier.Span.Line}, column {earlier.Span.Column} classifies the same cells {Policy(earlier)}; one row-classification policy per operator cell: give these cells one of them");
    }

    private void ApplyStream(int index, StreamRule rule, int slot, int[] streams, int[] selected)
    {
        var start = _streamSlotStart[slot];
        var subset = Operators.HasHeads(OperatorOf(slot)) ? rule.Heads : rule.Groups;
        for (var i = 0; i < _streamSlotCount[slot]; i++)
        {
            if (subset is not null && !subset[i])
                continue;
            streams[start + i] = index;
            selected[index]++;
        }
    }

    private IReadOnlyList<RuleReport> Report()
    {
        var reports = new List<RuleReport>();
        for (var i = 0; i < _recipe.Rules.Count; i++)
        {
            var rule = _recipe.Rules[i];
            reports.Add(new RuleReport(Aspect(rule), rule.Span, _selected[i], _winning[i]));
            if (_selected[i] == 0)
                _sink.Report(DiagnosticCatalog.EmptySelection, rule.Span, "this rule selects no cell: its selectors and the enclosing 'at' do not overlap, or its operators do not exist there");
            else if (_winning[i] == 0)
                _sink.Report(DiagnosticCatalog.RuleShadowed, rule.Span, $"every one of the {_selected[i]} cells this rule selects is overridden by later rules; it has no effect");
        }
        return reports;
    }

    private static string Aspect(BoundRule rule) => rule switch
    {
        WeightRule => "weights",
        ActivationRule => "activations",
        SmoothRule => "smoothing",
        MixedPrecisionRule => "mixed precision",
        RangeRule => "range groups",
        _ => "sc",
    };

    /// <summary>The distinct settings of the plan. Slots whose deciding rules are the same resolve to the same
    /// setting, so a setting is built once per combination of owners and looked up after that.</summary>
    private sealed class Palette
    {
        private readonly PlanLowerer _lowerer;
        private readonly Dictionary<OpSetting, int> _index = new();
        private readonly Dictionary<(int Weights, int Activations, int Mp, int Range, int Op, int Streams), int> _byOwners = new();
        private readonly Dictionary<SlotRun, int> _streamIds = new();

        public Palette(PlanLowerer lowerer) => _lowerer = lowerer;

        public List<OpSetting> Settings { get; } = new();

        public int IndexOf(StepOwners step, int slot)
        {
            var op = _lowerer.OperatorOf(slot);
            var run = new SlotRun(step.Streams, _lowerer._streamSlotStart[slot], _lowerer._streamSlotCount[slot]);
            if (!_streamIds.TryGetValue(run, out var streamId))
            {
                streamId = _streamIds.Count;
                _streamIds[run.Copy()] = streamId; // the step's table is reused; the key keeps its own copy
            }
            var key = (step.Weights[slot], step.Activations[slot], step.Mp[slot], step.Range[slot], (int)op, streamId);
            if (_byOwners.TryGetValue(key, out var index))
                return index;
            var setting = _lowerer.Resolve(step, slot, op);
            if (!_index.TryGetValue(setting, out index))
            {
                index = Settings.Count;
                Settings.Add(setting);
                _index[setting] = index;
            }
            _byOwners[key] = index;
            return index;
        }
    }

    /// <summary>A run of stream-slot owners inside an owner table, compared by content without copying.</summary>
    private readonly struct SlotRun : IEquatable<SlotRun>
    {
        private readonly int[] _owners;
        private readonly int _start;
        private readonly int _count;

        public SlotRun(int[] owners, int start, int count)
        {
            _owners = owners;
            _start = start;
            _count = count;
        }

        public SlotRun Copy()
        {
            var owners = new int[_count];
            Array.Copy(_owners, _start, owners, 0, _count);
            return new SlotRun(owners, 0, _count);
        }

        public bool Equals(SlotRun other)
        {
            if (_count != other._count)
                return false;
            for (var i = 0; i < _count; i++)
            {
                if (_owners[_start + i] != other._owners[other._start + i])
                    return false;
            }
            return true;
        }

        public override bool Equals(object? obj) => obj is SlotRun other && Equals(other);

        public override int GetHashCode()
        {
            var hash = _count;
            for (var i = 0; i < _count; i++)
                hash = unchecked(hash * 31 + _owners[_start + i]);
            return hash;
        }
    }

    private OpSetting Resolve(StepOwners step, int slot, Operator op)
    {
        var slots = new int[_streamSlotCount[slot]];
        Array.Copy(step.Streams, _streamSlotStart[slot], slots, 0, slots.Length);
        var weights = step.Weights[slot] < 0 ? WeightQuant.Float : ((WeightRule)_recipe.Rules[step.Weights[slot]]).Quant;
        var activations = step.Activations[slot] < 0 ? ActivationQuant.Float : ((ActivationRule)_recipe.Rules[step.Activations[slot]]).Quant;
        var sc = ResolveSc(op, slots, weights, activations, step.Mp[slot], step.Range[slot]);
        return new OpSetting(weights, activations, sc);
    }

    private ScSetting ResolveSc(Operator op, int[] owners, WeightQuant weights, ActivationQuant activations, int mpOwner, int rangeOwner)
    {
        var latest = owners.Max();
        var mpRule = mpOwner < 0 ? null : (MixedPrecisionRule)_recipe.Rules[mpOwner];
        var lengths = owners.Select(o => o < 0 ? 0 : ((StreamRule)_recipe.Rules[o]).Stream).ToArray();
        var stream = lengths.Max();
        foreach (var refinement in new[] { mpOwner, rangeOwner }.Where(o => o >= 0))
            _mpEffective[refinement] = _mpEffective.TryGetValue(refinement, out var effective) && effective || stream > 0;
        if (stream == 0)
            return ScSetting.Off;
        var range = rangeOwner < 0 ? null : RangeOf((RangeRule)_recipe.Rules[rangeOwner], op, owners);
        var rule = (StreamRule)_recipe.Rules[latest];
        var header = rule.Header;
        var precision = header.Precision ?? Math.Max(1, (int)Math.Ceiling(Math.Log(stream, 2) - 1e-12));
        var symmetric = Operators.HasWeights(op) ? weights.Symmetric : activations.Symmetric;
        var mode = symmetric ? ScMode.Bipolar : ScMode.Unipolar;
        var uniform = lengths.All(l => l == stream);
        var heads = !uniform && Operators.HasHeads(op) ? new EquatableArray<int>(lengths) : EquatableArray<int>.Empty;
        var groups = !uniform && !Operators.HasHeads(op) ? new EquatableArray<int>(lengths) : EquatableArray<int>.Empty;
        Check(rule, op, mode, !heads.IsEmpty, activations, precision, lengths);
        return new ScSetting(true, precision, stream, heads, groups, mpRule?.Policy, header.Kernel, header.Scramble, header.Seed, mode,
            header.Halve, header.Chunk, header.Noise, header.Debug, range);
    }

    /// <summary>A range rule's policy for one SC cell, its group size 0 when it makes one group (so equal meanings
    /// compare equal), or null after QR0620 when explicit output-row group streams decide the same cell.</summary>
    private RangeMixedPrecision? RangeOf(RangeRule rule, Operator op, int[] streamOwners)
    {
        var explicitGroups = streamOwners.Where(o => o >= 0).Select(o => (StreamRule)_recipe.Rules[o]).FirstOrDefault(r => r.Groups is not null);
        if (explicitGroups is not null)
        {
            _sink.ReportOnce(DiagnosticCatalog.RangeWithExplicitGroups, rule.Span,
                $"{Operators.Name(op)} has explicit output-row group streams (line {explicitGroups.Span.Line}, column {explicitGroups.Span.Column}) and a range rule in the same cells; choose one");
            return null;
        }
        var policy = rule.Policy;
        return policy.GroupSize >= _model.OutputWidth(op) ? policy with { GroupSize = 0 } : policy;
    }

    /// <summary>Checks that need the final operands of a cell: kernel against encoding, halving, per-head, chunking.</summary>
    private void Check(StreamRule rule, Operator op, ScMode mode, bool perHead, ActivationQuant activations, int precision, int[] lengths)
    {
        var header = rule.Header;
        var operands = Operators.HasWeights(op) ? "weights" : "activations";
        if (header.Kernel == ScKernel.Xnor && mode == ScMode.Unipolar)
            _sink.ReportOnce(DiagnosticCatalog.XnorNeedsSymmetric, rule.Span, $"the XNOR kernel is bipolar, but {Operators.Name(op)}'s {operands} are asymmetric (unipolar); use 'kernel enable' or symmetric {operands}");
        if (header.Kernel == ScKernel.And && mode == ScMode.Bipolar)
            _sink.ReportOnce(DiagnosticCatalog.AndNeedsAsymmetric, rule.Span, $"the AND kernel is unipolar, but {Operators.Name(op)}'s {operands} are symmetric (bipolar); use 'kernel enable' or asymmetric {operands}");
        if (header.Halve && mode == ScMode.Unipolar)
            _sink.ReportOnce(DiagnosticCatalog.HalveNeedsBipolar, rule.Span, $"'halve' runs bipolar products at half length; {Operators.Name(op)}'s {operands} are asymmetric (unipolar)");
        if (perHead && mode == ScMode.Unipolar)
            _sink.ReportOnce(DiagnosticCatalog.PerHeadNeedsBipolar, rule.Span, $"per-head SC kernels are bipolar only; {Operators.Name(op)}'s activations are asymmetric");
        if (header.Chunk > 0)
        {
            string? problem = null;
            if (Operators.HasHeads(op))
                problem = $"chunking applies to 2-D per-row products; {Operators.Name(op)} is a per-head attention product";
            else if (mode == ScMode.Unipolar)
                problem = $"chunking needs bipolar operands; {Operators.Name(op)}'s weights are asymmetric";
            else if (header.Chunk >= _model.InputWidth(op))
                problem = $"chunk {header.Chunk} is not smaller than the input width {_model.InputWidth(op)} of {Operators.Name(op)}; it would have no effect";
            if (problem is not null)
                _sink.ReportOnce(DiagnosticCatalog.InvalidChunk, rule.Span, problem);
        }
        if (activations.IsFloat)
            _sink.ReportOnce(DiagnosticCatalog.ScWithFloatActivations, rule.Span, $"SC is on for {Operators.Name(op)} but its activations are kept FP by the recipe; the SC kernel will quantize them itself");
        var longest = lengths.Max();
        if (longest > 1 << precision)
            _sink.ReportOnce(DiagnosticCatalog.StreamOutOfRange, rule.Span, $"stream length {longest} in {Operators.Name(op)} exceeds 2^{precision} = {1 << precision} of this rule's precision");
    }
}
