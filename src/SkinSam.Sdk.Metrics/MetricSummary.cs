using System.Buffers;

namespace SkinSam.Sdk.Metrics;

/// <summary>
/// Summary statistics of one metric over a group of images: count, mean, sample standard deviation,
/// median and a bootstrap confidence interval of the mean.
/// </summary>
/// <remarks>
/// Statistics are taken over the finite values only; NaN and ±infinity (for example HD95 when a
/// prediction is empty) are counted in <see cref="NonFiniteCount"/> and left out, so report both counts.
/// With no finite value every statistic is NaN; with one, the standard deviation is NaN (n - 1 = 0) and
/// the interval is that value. The interval is the percentile bootstrap: the mean of
/// <see cref="BootstrapOptions.Resamples"/> resamples drawn with replacement (SplitMix64, seeded), and
/// the (1 - level) / 2 and (1 + level) / 2 percentiles of those means, with linear interpolation.
/// </remarks>
/// <param name="Count">Number of finite values the statistics use.</param>
/// <param name="NonFiniteCount">Number of NaN or infinite values left out.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="StandardDeviation">Sample standard deviation (divides by n - 1).</param>
/// <param name="Median">Median (mean of the two middle values when the count is even).</param>
/// <param name="ConfidenceLower">Lower end of the bootstrap confidence interval of the mean.</param>
/// <param name="ConfidenceUpper">Upper end of the bootstrap confidence interval of the mean.</param>
/// <param name="ConfidenceLevel">Coverage of the interval, for example 0.95.</param>
public sealed record MetricSummary(
    int Count,
    int NonFiniteCount,
    double Mean,
    double StandardDeviation,
    double Median,
    double ConfidenceLower,
    double ConfidenceUpper,
    double ConfidenceLevel)
{
    /// <summary>Summarises values with the default bootstrap (1000 resamples, seed 0, 95 %).</summary>
    /// <param name="values">The metric of each image.</param>
    /// <returns>The summary.</returns>
    public static MetricSummary Compute(ReadOnlySpan<double> values) => Compute(values, BootstrapOptions.Default);

    /// <summary>Summarises values with the given bootstrap options.</summary>
    /// <param name="values">The metric of each image; the order does not change the result.</param>
    /// <param name="options">Resamples, seed and confidence level.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static MetricSummary Compute(ReadOnlySpan<double> values, BootstrapOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        double[] rented = ArrayPool<double>.Shared.Rent(values.Length);
        try
        {
            Span<double> finite = rented.AsSpan(0, values.Length);
            int count = 0;
            foreach (double v in values)
            {
                if (double.IsFinite(v))
                {
                    finite[count++] = v;
                }
            }

            int nonFinite = values.Length - count;
            finite = finite[..count];
            if (count == 0)
            {
                return new MetricSummary(0, nonFinite, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, options.ConfidenceLevel);
            }

            // Sorting first makes the summary, bootstrap included, independent of the input order.
            finite.Sort();
            double mean = MeanOf(finite);
            double deviation = double.NaN;
            if (count > 1)
            {
                double squares = 0;
                foreach (double v in finite)
                {
                    squares += (v - mean) * (v - mean);
                }

                deviation = Math.Sqrt(squares / (count - 1));
            }

            double median = SortedPercentile.Of(finite, 0.5);
            (double lower, double upper) = BootstrapInterval(finite, options);
            return new MetricSummary(count, nonFinite, mean, deviation, median, lower, upper, options.ConfidenceLevel);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    private static double MeanOf(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }

    private static (double Lower, double Upper) BootstrapInterval(ReadOnlySpan<double> sorted, BootstrapOptions options)
    {
        double[] rented = ArrayPool<double>.Shared.Rent(options.Resamples);
        try
        {
            Span<double> means = rented.AsSpan(0, options.Resamples);
            var random = new SplitMix64(options.Seed);
            int n = sorted.Length;
            for (int b = 0; b < means.Length; b++)
            {
                double sum = 0;
                for (int i = 0; i < n; i++)
                {
                    sum += sorted[random.NextInt(n)];
                }

                means[b] = sum / n;
            }

            means.Sort();
            double tail = (1 - options.ConfidenceLevel) / 2;
            return (SortedPercentile.Of(means, tail), SortedPercentile.Of(means, 1 - tail));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }
}
