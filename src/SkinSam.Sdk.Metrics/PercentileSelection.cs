namespace SkinSam.Sdk.Metrics;

/// <summary>
/// The same percentile as <see cref="SortedPercentile"/> (numpy's default "linear" method) without
/// sorting: a quickselect puts the lower of the two ranks in place in expected linear time, and the
/// upper one is the smallest value after it. Reorders the values it is given.
/// </summary>
internal static class PercentileSelection
{
    /// <summary>The <paramref name="fraction"/> quantile (0..1) of <paramref name="values"/>; NaN when empty. Reorders <paramref name="values"/>.</summary>
    public static double Of(Span<double> values, double fraction)
    {
        if (values.IsEmpty)
        {
            return double.NaN;
        }

        double rank = fraction * (values.Length - 1);
        int below = Math.Min((int)Math.Floor(rank), values.Length - 1);
        double a = Select(values, below);
        if (below == values.Length - 1)
        {
            return a;
        }

        double b = double.PositiveInfinity;
        foreach (double v in values[(below + 1)..])
        {
            b = Math.Min(b, v);
        }

        double t = rank - below;
        if (a == b)
        {
            return a;
        }

        return t >= 0.5 ? b - ((b - a) * (1 - t)) : a + ((b - a) * t);
    }

    /// <summary>
    /// Reorders <paramref name="values"/> so that index <paramref name="k"/> holds the value it would hold
    /// sorted, with no larger value before it and no smaller value after it (Hoare partitions, median of
    /// three pivots; equal values split evenly, so ties do not make it quadratic). Returns that value.
    /// </summary>
    public static double Select(Span<double> values, int k)
    {
        int lo = 0, hi = values.Length - 1;
        while (hi > lo)
        {
            int mid = lo + ((hi - lo) / 2);
            double pivot = MedianOfThree(values[lo], values[mid], values[hi]);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                break;
            }
        }

        return values[k];
    }

    private static double MedianOfThree(double a, double b, double c) =>
        Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
