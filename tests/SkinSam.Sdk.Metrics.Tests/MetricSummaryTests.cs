namespace SkinSam.Sdk.Metrics.Tests;

public sealed class MetricSummaryTests
{
    [Fact]
    public void Compute_KnownValues_MeanSampleDeviationAndMedian()
    {
        MetricSummary s = MetricSummary.Compute([2, 4, 4, 4, 5, 5, 7, 9]);

        Assert.Equal(8, s.Count);
        Assert.Equal(0, s.NonFiniteCount);
        Assert.Equal(5.0, s.Mean, 15);
        Assert.Equal(Math.Sqrt(32.0 / 7.0), s.StandardDeviation, 15);
        Assert.Equal(4.5, s.Median, 15);
        Assert.Equal(0.95, s.ConfidenceLevel);
    }

    [Fact]
    public void Compute_OddCount_MedianIsMiddleValue()
    {
        Assert.Equal(3.0, MetricSummary.Compute([9, 1, 3]).Median);
    }

    [Fact]
    public void Compute_SameSeed_SameInterval()
    {
        double[] values = Values(200, 1);
        var options = new BootstrapOptions { Seed = 42, Resamples = 500 };

        MetricSummary a = MetricSummary.Compute(values, options);
        MetricSummary b = MetricSummary.Compute(values, options);

        Assert.Equal(a, b);
    }

    [Fact]
    public void Compute_DifferentSeeds_DifferentIntervals()
    {
        double[] values = Values(200, 1);

        MetricSummary a = MetricSummary.Compute(values, new BootstrapOptions { Seed = 1 });
        MetricSummary b = MetricSummary.Compute(values, new BootstrapOptions { Seed = 2 });

        Assert.NotEqual((a.ConfidenceLower, a.ConfidenceUpper), (b.ConfidenceLower, b.ConfidenceUpper));
    }

    [Fact]
    public void Compute_ShuffledInput_SameSummary()
    {
        double[] values = Values(100, 3);
        double[] reversed = [.. values.Reverse()];

        Assert.Equal(MetricSummary.Compute(values), MetricSummary.Compute(reversed));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Compute_ReasonableData_IntervalContainsMeanAndIsNarrowerThanData(int seed)
    {
        double[] values = Values(150, seed);

        MetricSummary s = MetricSummary.Compute(values, new BootstrapOptions { Seed = (ulong)seed });

        Assert.InRange(s.Mean, s.ConfidenceLower, s.ConfidenceUpper);
        Assert.True(s.ConfidenceLower > values.Min() && s.ConfidenceUpper < values.Max());

        // The percentile interval of the mean is about mean ± 1.96 sd / sqrt(n).
        double halfWidth = 1.96 * s.StandardDeviation / Math.Sqrt(values.Length);
        Assert.InRange(s.ConfidenceUpper - s.ConfidenceLower, 1.5 * halfWidth, 2.5 * halfWidth);
    }

    [Fact]
    public void Compute_NonFiniteValues_LeftOutAndCounted()
    {
        MetricSummary s = MetricSummary.Compute([1, double.PositiveInfinity, 3, double.NaN]);

        Assert.Equal(2, s.Count);
        Assert.Equal(2, s.NonFiniteCount);
        Assert.Equal(2.0, s.Mean);
    }

    [Fact]
    public void Compute_SingleValue_DeviationNaNAndIntervalIsTheValue()
    {
        MetricSummary s = MetricSummary.Compute([0.8]);

        Assert.True(double.IsNaN(s.StandardDeviation));
        Assert.Equal((0.8, 0.8), (s.ConfidenceLower, s.ConfidenceUpper));
    }

    [Fact]
    public void Compute_NoValues_EverythingNaN()
    {
        MetricSummary s = MetricSummary.Compute([]);

        Assert.Equal(0, s.Count);
        Assert.True(double.IsNaN(s.Mean) && double.IsNaN(s.Median) && double.IsNaN(s.ConfidenceLower));
    }

    [Fact]
    public void Compute_InvalidOptions_ThrowsNamingEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => MetricSummary.Compute([1.0], new BootstrapOptions { Resamples = 0, ConfidenceLevel = 1.5 }));

        Assert.Contains("Expected Resamples of at least 1; got 0.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Expected ConfidenceLevel strictly between 0 and 1; got 1.5.", ex.Message, StringComparison.Ordinal);
    }

    private static double[] Values(int n, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => 0.6 + (0.3 * random.NextDouble()))];
    }
}
