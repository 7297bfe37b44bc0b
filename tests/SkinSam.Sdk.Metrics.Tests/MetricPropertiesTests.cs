using FsCheck.Xunit;

namespace SkinSam.Sdk.Metrics.Tests;

/// <summary>Invariants of the per-image metrics over random masks of random sizes.</summary>
public sealed class MetricPropertiesTests
{
    private const double Tolerance = 1e-12;

    [Property(MaxTest = 200)]
    public void Dice_MaskAgainstItself_IsOne(byte width, byte height, int seed, byte density)
    {
        (int w, int h, byte[] a, _) = Masks(width, height, seed, density);

        SegmentationMetrics m = SegmentationMetrics.Compute(w, h, a, a);

        Assert.Equal(1.0, m.Dice);
        Assert.Equal(1.0, m.IoU);
        Assert.Equal(0.0, m.HausdorffDistance95);
        Assert.Equal(0.0, m.AverageSymmetricSurfaceDistance);
    }

    [Property(MaxTest = 200)]
    public void Compute_SwappedMasks_SymmetricMetricsUnchanged(byte width, byte height, int seed, byte density)
    {
        (int w, int h, byte[] a, byte[] b) = Masks(width, height, seed, density);

        SegmentationMetrics ab = SegmentationMetrics.Compute(w, h, a, b);
        SegmentationMetrics ba = SegmentationMetrics.Compute(w, h, b, a);

        Assert.Equal(ab.Dice, ba.Dice);
        Assert.Equal(ab.IoU, ba.IoU);
        Assert.Equal(ab.PixelAccuracy, ba.PixelAccuracy);
        Assert.Equal(ab.HausdorffDistance95, ba.HausdorffDistance95);
        Assert.Equal(ab.HausdorffDistance, ba.HausdorffDistance);
        Assert.Equal(ab.AverageSymmetricSurfaceDistance, ba.AverageSymmetricSurfaceDistance, Tolerance);
        Assert.Equal(ab.Precision, ba.Sensitivity);
    }

    [Property(MaxTest = 200)]
    public void RegionMetrics_RandomMasks_LieInUnitIntervalAndDiceFollowsIoU(byte width, byte height, int seed, byte density)
    {
        (int w, int h, byte[] a, byte[] b) = Masks(width, height, seed, density);

        SegmentationMetrics m = SegmentationMetrics.Compute(w, h, a, b);

        foreach (double v in new[] { m.PixelAccuracy, m.Dice, m.IoU, m.Precision, m.Sensitivity, m.Specificity })
        {
            Assert.InRange(v, 0.0, 1.0);
        }

        Assert.Equal(2 * m.IoU / (1 + m.IoU), m.Dice, Tolerance);
        Assert.True(m.HausdorffDistance95 >= 0 && m.AverageSymmetricSurfaceDistance <= m.HausdorffDistance);
        Assert.True(m.HausdorffDistance95 <= m.HausdorffDistance);
    }

    [Property(MaxTest = 200)]
    public void ConfusionCounts_RandomMasks_SumToPixelCount(byte width, byte height, int seed, byte density)
    {
        (int w, int h, byte[] a, byte[] b) = Masks(width, height, seed, density);

        ConfusionCounts c = ConfusionCounts.FromMasks(w, h, a, b);

        Assert.Equal((long)w * h, c.TruePositives + c.FalsePositives + c.FalseNegatives + c.TrueNegatives);
    }

    [Property(MaxTest = 100)]
    public void FromBitPackedMasks_RandomMasks_EqualsByteCounts(byte width, byte height, int seed, byte density)
    {
        (_, _, byte[] a, byte[] b) = Masks(width, height, seed, density);
        var pa = new ulong[BitPackedMask.WordCount(a.Length)];
        var pb = new ulong[pa.Length];
        BitPackedMask.Pack(a, pa);
        BitPackedMask.Pack(b, pb);

        Assert.Equal(ConfusionCounts.FromMasks(a, b), ConfusionCounts.FromBitPackedMasks(pa, pb, a.Length));
    }

    /// <summary>Masks of 1..40 x 1..40 pixels; the density byte mixes sparse, dense and blob-like masks.</summary>
    private static (int Width, int Height, byte[] A, byte[] B) Masks(byte width, byte height, int seed, byte density)
    {
        int w = 1 + (width % 40);
        int h = 1 + (height % 40);
        if (density % 4 == 0)
        {
            var random = new Random(seed);
            return (w, h,
                MaskFactory.Ellipse(w, h, random.NextDouble() * w, random.NextDouble() * h, 1 + (random.NextDouble() * w / 2), 1 + (random.NextDouble() * h / 2)),
                MaskFactory.Ellipse(w, h, random.NextDouble() * w, random.NextDouble() * h, 1 + (random.NextDouble() * w / 2), 1 + (random.NextDouble() * h / 2)));
        }

        double d = density / 255.0;
        return (w, h, MaskFactory.Random(w * h, d, seed), MaskFactory.Random(w * h, d * 0.7, seed ^ 0x5bd1e995));
    }
}
