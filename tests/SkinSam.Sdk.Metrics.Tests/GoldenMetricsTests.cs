namespace SkinSam.Sdk.Metrics.Tests;

/// <summary>The SDK against numpy/scipy on real HAM10000 mask pairs and synthetic edge cases.</summary>
public sealed class GoldenMetricsTests
{
    private const double Tolerance = 1e-9;

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (MetricsGolden c in MetricsGolden.Cases)
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Fact]
    public void Goldens_File_HoldsRealAndSyntheticCases()
    {
        Assert.InRange(MetricsGolden.Cases.Count(c => c.Name.StartsWith("real_", StringComparison.Ordinal)), 8, 12);
        Assert.True(MetricsGolden.Cases.Count > 20);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Compute_GoldenCase_MatchesScipy(string name)
    {
        MetricsGolden c = MetricsGolden.Named(name);

        SegmentationMetrics m = SegmentationMetrics.Compute(c.Width, c.Height, c.Predicted, c.GroundTruth, c.Spacing);

        Assert.Equal(c.Expected["tp"], m.Counts.TruePositives);
        Assert.Equal(c.Expected["fp"], m.Counts.FalsePositives);
        Assert.Equal(c.Expected["fn"], m.Counts.FalseNegatives);
        Assert.Equal(c.Expected["tn"], m.Counts.TrueNegatives);
        Near(c, "pixel_accuracy", m.PixelAccuracy);
        Near(c, "dice", m.Dice);
        Near(c, "iou", m.IoU);
        Near(c, "precision", m.Precision);
        Near(c, "sensitivity", m.Sensitivity);
        Near(c, "specificity", m.Specificity);
        Near(c, "hd95", m.HausdorffDistance95);
        Near(c, "assd", m.AverageSymmetricSurfaceDistance);
        Near(c, "hausdorff", m.HausdorffDistance);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void FromBitPackedMasks_GoldenCase_MatchesScipyCounts(string name)
    {
        MetricsGolden c = MetricsGolden.Named(name);
        var p = new ulong[BitPackedMask.WordCount(c.Predicted.Length)];
        var g = new ulong[p.Length];
        BitPackedMask.Pack(c.Predicted, p);
        BitPackedMask.Pack(c.GroundTruth, g);

        ConfusionCounts counts = ConfusionCounts.FromBitPackedMasks(p, g, c.Predicted.Length);

        Assert.Equal(
            new ConfusionCounts((long)c.Expected["tp"], (long)c.Expected["fp"], (long)c.Expected["fn"], (long)c.Expected["tn"]),
            counts);
    }

    private static void Near(MetricsGolden c, string metric, double actual)
    {
        double expected = c.Expected[metric];
        bool ok = double.IsInfinity(expected) ? expected == actual : Math.Abs(expected - actual) <= Tolerance;
        Assert.True(ok, $"{c.Name}: expected {metric} = {expected:R}; got {actual:R}.");
    }
}
