namespace SkinSam.Sdk.Metrics.Tests;

public sealed class MetricAggregatorTests
{
    [Fact]
    public void Summarize_TwoGroups_SummarisesEachAndOverall()
    {
        var aggregator = new MetricAggregator();
        aggregator.Add("nv", Metrics(0.9, 1));
        aggregator.Add("mel", Metrics(0.5, 2));
        aggregator.Add("nv", Metrics(0.7, 3));

        MetricAggregation result = aggregator.Summarize();

        Assert.Equal(["mel", "nv"], result.Groups.Select(g => g.Group));
        Assert.Equal(MetricAggregation.OverallGroup, result.Overall.Group);
        Assert.Equal(3, result.Overall.ImageCount);
        Assert.Equal(0.7, result.Overall.Dice.Mean, 12);
        Assert.Equal(2, result["nv"].ImageCount);
        Assert.Equal(0.8, result["nv"].Dice.Mean, 12);
        Assert.Equal(0.5, result["mel"].Dice.Median);
        Assert.Equal(new ConfusionCounts(6, 0, 0, 0), result.Overall.PooledCounts);
    }

    [Fact]
    public void Summarize_InfiniteDistances_CountedApart()
    {
        var aggregator = new MetricAggregator();
        aggregator.Add("bcc", Metrics(0.9, 1));
        aggregator.Add("bcc", new SegmentationMetrics(default, default, BoundaryMetrics.OneEmpty));

        GroupMetricSummary bcc = aggregator.Summarize()["bcc"];

        Assert.Equal(1, bcc.HausdorffDistance95.Count);
        Assert.Equal(1, bcc.HausdorffDistance95.NonFiniteCount);
        Assert.Equal(2, bcc.Dice.Count);
    }

    [Fact]
    public void Summarize_SameOptions_Deterministic()
    {
        var aggregator = new MetricAggregator();
        for (int i = 0; i < 20; i++)
        {
            aggregator.Add(i % 3 == 0 ? "df" : "bkl", Metrics(0.5 + (i / 50.0), i));
        }

        var options = new BootstrapOptions { Seed = 7 };

        Assert.Equal(aggregator.Summarize(options).Overall, aggregator.Summarize(options).Overall);
    }

    [Fact]
    public void Indexer_UnknownGroup_ThrowsListingGroups()
    {
        var aggregator = new MetricAggregator();
        aggregator.Add("nv", Metrics(0.9, 1));

        var ex = Assert.Throws<KeyNotFoundException>(() => aggregator.Summarize()["vasc"]);

        Assert.Contains("Expected one of the groups [nv]; got 'vasc'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summarize_NothingAdded_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new MetricAggregator().Summarize());
    }

    private static SegmentationMetrics Metrics(double dice, int tp) =>
        new(new ConfusionCounts(tp, 0, 0, 0), new RegionMetrics(dice, dice, dice, dice, dice, dice), new BoundaryMetrics(tp, tp, tp));
}
