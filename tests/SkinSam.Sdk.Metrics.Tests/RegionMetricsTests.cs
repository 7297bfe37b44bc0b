namespace SkinSam.Sdk.Metrics.Tests;

public sealed class RegionMetricsTests
{
    [Fact]
    public void FromCounts_KnownCounts_ComputesEachRatio()
    {
        RegionMetrics m = RegionMetrics.FromCounts(new ConfusionCounts(30, 10, 20, 40));

        Assert.Equal(0.7, m.PixelAccuracy, 15);
        Assert.Equal(60.0 / 90.0, m.Dice, 15);
        Assert.Equal(0.5, m.IoU, 15);
        Assert.Equal(0.75, m.Precision, 15);
        Assert.Equal(0.6, m.Sensitivity, 15);
        Assert.Equal(0.8, m.Specificity, 15);
    }

    [Fact]
    public void FromCounts_BothMasksEmpty_EveryMetricIsOne()
    {
        Assert.Equal(new RegionMetrics(1, 1, 1, 1, 1, 1), RegionMetrics.FromCounts(new ConfusionCounts(0, 0, 0, 100)));
    }

    [Fact]
    public void FromCounts_BothMasksFull_EveryMetricIsOne()
    {
        Assert.Equal(new RegionMetrics(1, 1, 1, 1, 1, 1), RegionMetrics.FromCounts(new ConfusionCounts(100, 0, 0, 0)));
    }

    [Fact]
    public void FromCounts_NoPixels_EveryMetricIsOne()
    {
        Assert.Equal(new RegionMetrics(1, 1, 1, 1, 1, 1), RegionMetrics.FromCounts(default));
    }

    [Fact]
    public void FromCounts_EmptyPredictionOfLesion_PrecisionIsZero()
    {
        RegionMetrics m = RegionMetrics.FromCounts(new ConfusionCounts(0, 0, 25, 75));

        Assert.Equal(new RegionMetrics(0.75, 0, 0, 0, 0, 1), m);
    }

    [Fact]
    public void FromCounts_ForegroundPredictedWhereTruthEmpty_SensitivityIsZero()
    {
        RegionMetrics m = RegionMetrics.FromCounts(new ConfusionCounts(0, 25, 0, 75));

        Assert.Equal(new RegionMetrics(0.75, 0, 0, 0, 0, 0.75), m);
    }

    [Fact]
    public void FromCounts_TruthFullPredictionPartial_SpecificityIsZero()
    {
        RegionMetrics m = RegionMetrics.FromCounts(new ConfusionCounts(60, 0, 40, 0));

        Assert.Equal(0, m.Specificity);
        Assert.Equal(1, m.Precision);
        Assert.Equal(0.6, m.Sensitivity, 15);
    }
}
