using System.Collections.Generic;
using QRecipe.Language.Text;
using QRecipe.Plan.Text;

namespace QRecipe.Language.Syntax;

public enum StatementKind
{
    /// <summary><c>recipe Name "description"</c></summary>
    Recipe,
    /// <summary><c>model dit-xl/2 image 256</c> or <c>model custom { depth 6 … }</c></summary>
    Model,
    /// <summary><c>sampler ddpm steps 50 cfg 1.5 seed 0</c></summary>
    Sampler,
    /// <summary><c>calibrate samples 32 steps all</c></summary>
    Calibrate,
    /// <summary><c>weights int4 group 128 symmetric [on ops]</c></summary>
    Weights,
    /// <summary><c>activations int8 per-token dynamic [on ops]</c></summary>
    Activations,
    /// <summary><c>smooth ditas alpha search 0..1 by 0.05 on qkv, fc1</c></summary>
    Smooth,
    /// <summary><c>sc precision 8 kernel enable … { rules }</c> or <c>sc off</c></summary>
    Sc,
    /// <summary><c>at blocks 0, 27 [steps …] [on ops] { statements }</c></summary>
    At,
    /// <summary>Inside <c>sc</c>: <c>qk, av blocks … steps … heads … stream 256</c> or <c>… off</c></summary>
    ScRule,
    /// <summary>Inside <c>sc</c>: <c>mp qk, av levels 256 128 fractions 0.5 0.5</c> or <c>mp fc1 levels 256 128 64 adaptive alpha 0.3 beta 0.05</c></summary>
    MixedPrecision,
    /// <summary>Inside <c>sc</c>: <c>range fc1, fc2 levels 256 128 64 threshold 0.3 group 64</c></summary>
    RangeMixedPrecision,
    /// <summary><c>tune budget wbits 4.5 seeds 64 validate 2000 { rules }</c>: the search space of <c>qrecipe tune</c></summary>
    Tune,
    /// <summary>Inside <c>tune</c>: <c>wbits linear choices 8 4 per-block per-op</c>, <c>abits …</c> or <c>stream …</c></summary>
    TuneRule,
}

/// <summary>
/// A statement: its kind, the keyword that starts it (absent for SC rules, which start with operator names), its
/// clauses, and, for <c>at</c> and <c>sc</c> sections, the statements of its body. <see cref="HeaderSpan"/> ends
/// at the opening brace of a body; <see cref="Span"/> covers the body and its closing brace too.
/// </summary>
public sealed record StatementSyntax(
    StatementKind Kind,
    WordSyntax? Keyword,
    IReadOnlyList<ClauseSyntax> Clauses,
    IReadOnlyList<StatementSyntax>? Body,
    SourceSpan HeaderSpan,
    SourceSpan Span)
{
    public bool HasBody => Body is not null;
}

/// <summary>A parsed recipe file: its statements, every comment, and the source.</summary>
public sealed record RecipeSyntax(SourceText Source, IReadOnlyList<StatementSyntax> Statements, IReadOnlyList<CommentSyntax> Comments);
