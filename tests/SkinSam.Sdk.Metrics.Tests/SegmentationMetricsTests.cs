namespace SkinSam.Sdk.Metrics.Tests;

public sealed class SegmentationMetricsTests
{
    [Fact]
    public void Compute_EllipsePair_EqualsItsParts()
    {
        byte[] p = MaskFactory.Ellipse(120, 90, 60, 45, 30, 20);
        byte[] g = MaskFactory.Ellipse(120, 90, 63, 44, 28, 22);

        SegmentationMetrics m = SegmentationMetrics.Compute(120, 90, p, g);

        ConfusionCounts counts = ConfusionCounts.FromMasks(p, g);
        Assert.Equal(counts, m.Counts);
        Assert.Equal(RegionMetrics.FromCounts(counts), m.Region);
        Assert.Equal(BoundaryMetrics.Compute(120, 90, p, g), m.Boundary);
        Assert.Equal(m.Region.Dice, m.Dice);
        Assert.Equal(m.Boundary.HausdorffDistance95, m.HausdorffDistance95);
    }

    [Fact]
    public void Compute_SteadyState_AllocatesNothing()
    {
        byte[] p = MaskFactory.Ellipse(256, 192, 128, 96, 70, 50);
        byte[] g = MaskFactory.Ellipse(256, 192, 120, 100, 75, 45);
        // Warm up past tiered compilation's call-count threshold (30 calls), so that no method is promoted, and no
        // runtime bookkeeping runs on this thread, inside the measured loop (seen once: 3,936 bytes in a Debug run).
        for (int i = 0; i < 100; i++)
        {
            _ = SegmentationMetrics.Compute(256, 192, p, g);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            _ = SegmentationMetrics.Compute(256, 192, p, g);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
