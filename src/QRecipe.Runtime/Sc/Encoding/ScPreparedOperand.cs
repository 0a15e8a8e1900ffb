using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Sc.Kernels;

namespace QRecipe.Runtime.Sc.Encoding;

/// <summary>
/// The right operand b (m × d) of 2-D SC products, quantized for one set of options once. b's codes depend on b and
/// the options alone (docs/sc-engine.md), so a layer's weight is prepared when a plan is bound and every call then
/// quantizes only a. Chunked options keep one part per chunk.
/// </summary>
public sealed class ScPreparedOperand
{
    private ScPreparedOperand(ScOptions options, int rows, int dims, IReadOnlyList<ScPreparedPart> parts)
    {
        Options = options;
        Rows = rows;
        Dims = dims;
        Parts = parts;
    }

    /// <summary>The options b was quantized for; calls may differ in what does not change b's codes (stream length,
    /// scramble, a's row groups, kernel), see <see cref="Fits"/>.</summary>
    public ScOptions Options { get; }
    public int Rows { get; }
    public int Dims { get; }
    internal IReadOnlyList<ScPreparedPart> Parts { get; }

    /// <summary>Whether a call with these options quantizes b to the same codes: same p, grid, halving, mode,
    /// granularity, chunk and b row groups. The stream length is free, so one preparation serves every length. A weight
    /// prepared for the row-table path keeps only its entries and scales, so it then serves the enable kernel only.</summary>
    public bool Fits(ScOptions options) =>
        Key(options) == Key(Options) && (options.Kernel == ScKernel.Enable || Parts.All(part => part.Codes.HasElements));

    private static (int, int, int, ScMode, ScGranularity, int, int) Key(ScOptions o)
    {
        var g = o.Resolve();
        return (g.P, g.G, g.QMax, o.Mode, o.Granularity, o.Chunk, o.GroupB);
    }

    /// <summary>Quantizes b and, for the enable kernel on the CPU engine, builds its row-table entries now
    /// (<see cref="RowTableColumns"/>). Accumulators that read codes (<see cref="IScAccumulators.ReadsCodes"/>) get the
    /// plain codes.</summary>
    public static ScPreparedOperand Prepare(ReadOnlySpan<float> b, int m, int d, ScOptions options, IScAccumulators? accumulators = null)
    {
        ScInput.ValidateOperand(b, m, d, nameof(b));
        var prepared = Quantize(b, m, d, options);
        if (options.Kernel != ScKernel.Enable || accumulators is { ReadsCodes: true })
            return prepared;
        var entriesOnly = EnableKernel.RowTablesAtEveryLength(m, options.Resolve());
        foreach (var part in prepared.Parts)
        {
            if (entriesOnly)
                part.DropElements();
            else
                part.PrepareColumns();
        }

        return prepared;
    }

    /// <summary>b's codes as a 2-D call quantizes them: per chunk (fused fp32 per row), per tensor, or per row group.</summary>
    internal static ScPreparedOperand Quantize(ReadOnlySpan<float> b, int m, int d, ScOptions options)
    {
        if (options.Granularity == ScGranularity.PerHead)
            throw new ArgumentException("per_head granularity needs 3-D operands", nameof(options));
        var g = options.Resolve();
        var unipolar = options.Mode == ScMode.Unipolar;
        var parts = new List<ScPreparedPart>();
        if (options.Chunk > 0 && d > options.Chunk)
        {
            for (var c0 = 0; c0 < d; c0 += options.Chunk)
            {
                var width = Math.Min(options.Chunk, d - c0);
                parts.Add(new ScPreparedPart(ScQuantizer.BipolarFusedFp32(ScMatmul.Columns(b, m, d, c0, width), m, width, perRow: true, g), g, signed: true, persistent: true));
            }
        }
        else if (options.Granularity == ScGranularity.PerTensor)
        {
            parts.Add(new ScPreparedPart(ScQuantizer.PerTensor(b, m, d, g, unipolar), g, !unipolar, persistent: true));
        }
        else
        {
            parts.Add(new ScPreparedPart(ScQuantizer.Grouped(b, m, d, options.GroupB, g, unipolar), g, !unipolar, persistent: true));
        }

        return new ScPreparedOperand(options, m, d, parts);
    }
}

/// <summary>One kernel call's b: its codes and, built on first use (or by <see cref="ScPreparedOperand.Prepare"/>),
/// its row-table entries, written into <c>indexBuffer</c> when that has the right length.</summary>
public sealed class ScPreparedPart
{
    private readonly Lazy<RowTableColumns> columns;
    private ScCodes current;

    internal ScPreparedPart(ScCodes codes, ScGeometry geometry, bool signed, ushort[]? indexBuffer = null, bool persistent = false)
    {
        Persistent = persistent;
        // The factory captures its own arguments, not this part, so dropping the elements really frees them.
        columns = new Lazy<RowTableColumns>(() => RowTableColumns.Prepare(codes, geometry, signed, indexBuffer));
        current = codes;
        Signed = signed;
    }

    /// <summary>b's codes; without per-element arrays (<see cref="ScCodes.HasElements"/>) once the CPU engine's
    /// row-table entries replaced them.</summary>
    public ScCodes Codes => current;
    public bool Signed { get; }

    /// <summary>Whether the codes stay as they are for the part's lifetime (a prepared weight), so a device may keep
    /// its own copy; a call's operand codes live in reused workspaces.</summary>
    internal bool Persistent { get; }
    internal RowTableColumns Columns => columns.Value;

    internal void PrepareColumns() => _ = columns.Value;

    /// <summary>Keeps the scales only, once the entries are built (<see cref="ScCodes.ScalesOnly"/>).</summary>
    internal void DropElements()
    {
        PrepareColumns();
        current = current.ScalesOnly();
    }

    /// <summary>The entry array, if the row-table path built it.</summary>
    internal ushort[]? BuiltIndex => columns.IsValueCreated ? columns.Value.Index : null;
}
