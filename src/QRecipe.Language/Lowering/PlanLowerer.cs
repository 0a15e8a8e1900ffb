using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Binding;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Plan;

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
    private readonly int _cellCount;
    private readonly int[] _weightOwner;
    private readonly int[] _activationOwner;
    private readonly int[] _mpOwner;
    private readonly int[] _smoothOwner;
    private readonly int[] _streamSlotStart;
    private readonly int[] _streamSlotCount;
    private readonly int _streamSlotsPerStep;
    private readonly int[] _streamOwner;
    private readonly int[] _selected;
    private readonly Dictionary<int, bool> _mpEffective = new();

    public PlanLowerer(BoundRecipe recipe, DiagnosticSink sink)
    {
        _recipe = recipe;
        _sink = sink;
        _model = recipe.Model;
        _slotsPerStep = _model.Depth * Operators.PerBlockCount + Operators.Global.Count;
        _cellCount = recipe.Sampler.Steps * _slotsPerStep;
        _weightOwner = Filled(_cellCount);
        _activationOwner = Filled(_cellCount);
        _mpOwner = Filled(_cellCount);
        _smoothOwner = Filled(_slotsPerStep);
        _selected = new int[recipe.Rules.Count];
        (_streamSlotStart, _streamSlotCount, _streamSlotsPerStep) = LayOutStreamSlots();
        _streamOwner = Filled(_streamSlotsPerStep * recipe.Sampler.Steps);
    }

    private static int[] Filled(int length)
    {
        var values = new int[length];
        for (var i = 0; i < values.Length; i++)
            values[i] = -1;
        return values;
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

    private int StreamStart(int cell) => cell / _slotsPerStep * _streamSlotsPerStep + _streamSlotStart[cell % _slotsPerStep];

    private int StreamCount(int cell) => _streamSlotCount[cell % _slotsPerStep];

    private Operator OperatorOf(int slot) =>
        slot < _model.Depth * Operators.PerBlockCount ? Operators.PerBlock[slot % Operators.PerBlockCount] : Operators.Global[slot - _model.Depth * Operators.PerBlockCount];

    private int BlockOf(int slot) => slot < _model.Depth * Operators.PerBlockCount ? slot / Operators.PerBlockCount : -1;

    /// <summary>Whether a slot (block, operator) lies in a scope; global operators belong to every block.</summary>
    private bool InScope(Scope scope, int slot)
    {
        var block = BlockOf(slot);
        return scope.Operators[(int)OperatorOf(slot)] && (block < 0 ? scope.Blocks.Contains(true) : scope.Blocks[block]);
    }

    public (RecipePlan? Plan, IReadOnlyList<RuleReport> Reports) Lower()
    {
        for (var index = 0; index < _recipe.Rules.Count; index++)
            Apply(index, _recipe.Rules[index]);
        var reports = Report();
        var plan = Build();
        return (plan, reports);
    }

    private void Apply(int index, BoundRule rule)
    {
        var slots = new bool[_slotsPerStep];
        for (var slot = 0; slot < _slotsPerStep; slot++)
            slots[slot] = InScope(rule.Scope, slot);
        if (rule is SmoothRule)
        {
            for (var slot = 0; slot < _slotsPerStep; slot++)
            {
                if (slots[slot])
                {
                    _smoothOwner[slot] = index;
                    _selected[index]++;
                }
            }
            return;
        }
        var owners = rule switch
        {
            WeightRule => _weightOwner,
            ActivationRule => _activationOwner,
            MixedPrecisionRule => _mpOwner,
            _ => null,
        };
        for (var step = 0; step < _recipe.Sampler.Steps; step++)
        {
            if (!rule.Scope.Steps[step])
                continue;
            for (var slot = 0; slot < _slotsPerStep; slot++)
            {
                if (!slots[slot])
                    continue;
                var cell = step * _slotsPerStep + slot;
                if (owners is null)
                    ApplyStream(index, (StreamRule)rule, cell);
                else
                {
                    owners[cell] = index;
                    _selected[index]++;
                }
            }
        }
    }

    private void ApplyStream(int index, StreamRule rule, int cell)
    {
        var op = OperatorOf(cell % _slotsPerStep);
        var start = StreamStart(cell);
        var count = StreamCount(cell);
        var subset = Operators.HasHeads(op) ? rule.Heads : rule.Groups;
        for (var i = 0; i < count; i++)
        {
            if (subset is not null && !subset[i])
                continue;
            _streamOwner[start + i] = index;
            _selected[index]++;
        }
    }

    private IReadOnlyList<RuleReport> Report()
    {
        var winning = new int[_recipe.Rules.Count];
        foreach (var owners in new[] { _weightOwner, _activationOwner, _mpOwner, _smoothOwner, _streamOwner })
        {
            foreach (var owner in owners)
            {
                if (owner >= 0)
                    winning[owner]++;
            }
        }
        var reports = new List<RuleReport>();
        for (var i = 0; i < _recipe.Rules.Count; i++)
        {
            var rule = _recipe.Rules[i];
            reports.Add(new RuleReport(Aspect(rule), rule.Span, _selected[i], winning[i]));
            if (_selected[i] == 0)
                _sink.Report(DiagnosticCatalog.EmptySelection, rule.Span, "this rule selects no cell: its selectors and the enclosing 'at' do not overlap, or its operators do not exist there");
            else if (winning[i] == 0)
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
        _ => "sc",
    };

    private RecipePlan? Build()
    {
        var palette = new List<OpSetting>();
        var paletteIndex = new Dictionary<OpSetting, int>();
        var byOwners = new Dictionary<(int Weights, int Activations, int Mp, int Op, int Streams), int>();
        var streamIds = new Dictionary<SlotRun, int>();
        var cells = new int[_cellCount];
        for (var cell = 0; cell < _cellCount; cell++)
        {
            if (cell % _slotsPerStep == 0 && cell > 0 && SameOwnersAsPreviousStep(cell / _slotsPerStep))
            {
                Array.Copy(cells, cell - _slotsPerStep, cells, cell, _slotsPerStep);
                cell += _slotsPerStep - 1;
                continue;
            }
            // Cells whose deciding rules are the same resolve to the same setting: look that up before building one.
            var op = OperatorOf(cell % _slotsPerStep);
            var run = new SlotRun(_streamOwner, StreamStart(cell), StreamCount(cell));
            if (!streamIds.TryGetValue(run, out var streamId))
            {
                streamId = streamIds.Count;
                streamIds[run] = streamId;
            }
            var key = (_weightOwner[cell], _activationOwner[cell], _mpOwner[cell], (int)op, streamId);
            if (!byOwners.TryGetValue(key, out var index))
            {
                var setting = Resolve(cell, op);
                if (!paletteIndex.TryGetValue(setting, out index))
                {
                    index = palette.Count;
                    palette.Add(setting);
                    paletteIndex[setting] = index;
                }
                byOwners[key] = index;
            }
            cells[cell] = index;
        }
        foreach (var rule in _mpEffective.Where(p => !p.Value).Select(p => (MixedPrecisionRule)_recipe.Rules[p.Key]))
            _sink.Report(DiagnosticCatalog.MixedPrecisionWithoutSc, rule.Span, "mixed precision only refines cells where SC is on, and SC is off in every cell this rule decides; it has no effect");
        var smoothing = _smoothOwner.Select(owner => owner < 0 ? SmoothSetting.None : ((SmoothRule)_recipe.Rules[owner]).Setting).ToArray();
        if (_sink.HasErrors)
            return null;
        return new RecipePlan(_recipe.Name, _recipe.Description, _model, _recipe.Sampler, _recipe.Calibration,
            new EquatableArray<OpSetting>(palette.ToArray()), new EquatableArray<int>(cells), new EquatableArray<SmoothSetting>(smoothing));
    }

    /// <summary>Most recipes change little from one step to the next; a step decided by the same rules as the one
    /// before it gets the same cells.</summary>
    private bool SameOwnersAsPreviousStep(int step)
    {
        var start = step * _slotsPerStep;
        var previous = start - _slotsPerStep;
        foreach (var owners in new[] { _weightOwner, _activationOwner, _mpOwner })
        {
            if (!SameRun(owners, previous, start, _slotsPerStep))
                return false;
        }
        return SameRun(_streamOwner, StreamStart(previous), StreamStart(start), _streamSlotsPerStep);
    }

    private static bool SameRun(int[] values, int a, int b, int length)
    {
        for (var i = 0; i < length; i++)
        {
            if (values[a + i] != values[b + i])
                return false;
        }
        return true;
    }

    /// <summary>A run of stream-slot owners inside the owner array, compared by content without copying.</summary>
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

    private OpSetting Resolve(int cell, Operator op)
    {
        var slots = new int[StreamCount(cell)];
        Array.Copy(_streamOwner, StreamStart(cell), slots, 0, slots.Length);
        var weights = _weightOwner[cell] < 0 ? WeightQuant.Float : ((WeightRule)_recipe.Rules[_weightOwner[cell]]).Quant;
        var activations = _activationOwner[cell] < 0 ? ActivationQuant.Float : ((ActivationRule)_recipe.Rules[_activationOwner[cell]]).Quant;
        var sc = ResolveSc(op, slots, weights, activations, _mpOwner[cell]);
        return new OpSetting(weights, activations, sc);
    }

    private ScSetting ResolveSc(Operator op, int[] owners, WeightQuant weights, ActivationQuant activations, int mpOwner)
    {
        var latest = owners.Max();
        var mpRule = mpOwner < 0 ? null : (MixedPrecisionRule)_recipe.Rules[mpOwner];
        var lengths = owners.Select(o => o < 0 ? 0 : ((StreamRule)_recipe.Rules[o]).Stream).ToArray();
        var stream = lengths.Max();
        if (mpOwner >= 0)
            _mpEffective[mpOwner] = _mpEffective.TryGetValue(mpOwner, out var effective) && effective || stream > 0;
        if (stream == 0)
            return ScSetting.Off;
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
            header.Halve, header.Chunk, header.Noise, header.Debug);
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
