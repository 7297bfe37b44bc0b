namespace SkinSam.Sdk.Metrics;

/// <summary>
/// Percentiles of sorted values by linear interpolation between closest ranks: the value at rank
/// q * (n - 1), as <c>numpy.percentile</c> computes by default (method "linear", Hyndman–Fan type 7).
/// </summary>
internal static class SortedPercentile
{
    /// <summary>The <paramref name="fraction"/> quantile (0..1) of ascending <paramref name="sorted"/> values; NaN when empty.</summary>
    public static double Of(ReadOnlySpan<double> sorted, double fraction)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }

        double rank = fraction * (sorted.Length - 1);
        int below = (int)Math.Floor(rank);
        if (below >= sorted.Length - 1)
        {
            return sorted[^1];
        }

        double t = rank - below;
        double a = sorted[below];
        double b = sorted[below + 1];
        if (a == b)
        {
            return a;
        }

        // numpy's _lerp: interpolate from the nearer end so the result stays inside [a, b].
        return t >= 0.5 ? b - ((b - a) * (1 - t)) : a + ((b - a) * t);
    }
}
