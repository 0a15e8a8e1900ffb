using QRecipe.Plan;

namespace QRecipe.Runtime.Execution.Smoothing;

/// <summary>What smoothing chose for one layer: the migration strength α (the recipe's, or the grid point a DiTAS
/// search picked) and, for a search, the grid's best and worst output error on the calibration inputs.</summary>
/// <param name="Alpha">The α the factors were computed with.</param>
/// <param name="SearchedFrom">The number of α values the search scored; 0 when α was fixed by the recipe.</param>
/// <param name="BestLoss">Mean squared output error of the chosen α; NaN without a search.</param>
/// <param name="WorstLoss">The grid's largest mean squared output error; NaN without a search.</param>
public sealed record SmoothingReport(string Layer, SmoothMethod Method, double Alpha, int SearchedFrom, double BestLoss, double WorstLoss);
