using FsCheck.Xunit;

namespace SkinSam.Sdk.Metrics.Tests;

public sealed class PercentileSelectionTests
{
    [Property(MaxTest = 300)]
    public void Of_RandomValuesWithTies_EqualsSortedPercentile(byte length, int seed, byte distinct, byte percent)
    {
        var random = new Random(seed);
        int n = 1 + length;
        int levels = 1 + (distinct % 20);
        double[] values = [.. Enumerable.Range(0, n).Select(_ => Math.Sqrt(random.Next(levels)))];
        double fraction = (percent % 101) / 100.0;
        double[] sorted = [.. values.Order()];

        double selected = PercentileSelection.Of(values, fraction);

        Assert.Equal(SortedPercentile.Of(sorted, fraction), selected);
    }

    [Property(MaxTest = 200)]
    public void Select_RandomValues_PartitionsAroundK(byte length, int seed)
    {
        var random = new Random(seed);
        double[] values = [.. Enumerable.Range(0, 1 + length).Select(_ => (double)random.Next(8))];
        int k = random.Next(values.Length);
        double expected = values.Order().ElementAt(k);

        double kth = PercentileSelection.Select(values, k);

        Assert.Equal(expected, kth);
        Assert.All(values[..k], v => Assert.True(v <= kth));
        Assert.All(values[(k + 1)..], v => Assert.True(v >= kth));
    }

    [Fact]
    public void Of_KnownValues_InterpolatesLikeNumpy()
    {
        // numpy.percentile([1, 2, 3, 4, 10], 95) == 8.8
        Assert.Equal(8.8, PercentileSelection.Of([10, 3, 1, 4, 2], 0.95), 12);
        Assert.True(double.IsNaN(PercentileSelection.Of([], 0.95)));
    }
}
