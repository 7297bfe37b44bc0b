namespace SkinSam.Sdk.Metrics.Tests;

public sealed class ConfusionCountsTests
{
    [Fact]
    public void FromMasks_KnownMasks_CountsEachCell()
    {
        byte[] p = [0, 1, 7, 255, 0, 128, 0];
        byte[] g = [0, 0, 9, 1, 1, 0, 0];

        ConfusionCounts counts = ConfusionCounts.FromMasks(p, g);

        Assert.Equal(new ConfusionCounts(2, 2, 1, 2), counts);
        Assert.Equal(7, counts.PixelCount);
        Assert.Equal(4, counts.PredictedForeground);
        Assert.Equal(3, counts.GroundTruthForeground);
    }

    [Theory]
    [MemberData(nameof(ForegroundCountingTests.Lengths), MemberType = typeof(ForegroundCountingTests))]
    public void FromBitPackedMasks_LengthSweep_EqualsByteResult(int length)
    {
        byte[] p = MaskFactory.Random(length, 0.3, length);
        byte[] g = MaskFactory.Random(length, 0.6, length + 1);
        var pp = new ulong[BitPackedMask.WordCount(length)];
        var gp = new ulong[pp.Length];
        BitPackedMask.Pack(p, pp);
        BitPackedMask.Pack(g, gp);

        Assert.Equal(ConfusionCounts.FromMasks(p, g), ConfusionCounts.FromBitPackedMasks(pp, gp, length));
    }

    [Fact]
    public void FromBitPackedMasks_SetBitsPastLastPixel_AreIgnored()
    {
        ulong[] p = [ulong.MaxValue, ulong.MaxValue];
        ulong[] g = [0, ulong.MaxValue];

        ConfusionCounts counts = ConfusionCounts.FromBitPackedMasks(p, g, 70);

        Assert.Equal(new ConfusionCounts(6, 64, 0, 0), counts);
    }

    [Fact]
    public void FromBitPackedMasks_WrongWordCount_ThrowsWithExpectedAndActual()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConfusionCounts.FromBitPackedMasks(new ulong[2], new ulong[1], 70));

        Assert.Contains("Expected 2 words for 70 pixels in the ground-truth mask; got 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromMasks_DifferentLengths_ThrowsWithExpectedAndActual()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConfusionCounts.FromMasks(new byte[10], new byte[9]));

        Assert.StartsWith("Expected", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got 10 and 9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromMasks_LengthNotWidthTimesHeight_ThrowsNamingTheMask()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConfusionCounts.FromMasks(4, 3, new byte[12], new byte[11]));

        Assert.Equal("groundTruth", ex.ParamName);
        Assert.Contains("Expected width * height = 4 x 3 = 12 bytes in the ground-truth mask; got 11", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(3, 0)]
    [InlineData(-1, 3)]
    public void FromMasks_NonPositiveDimension_Throws(int width, int height)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfusionCounts.FromMasks(width, height, [], []));
    }

    [Fact]
    public void Constructor_NegativeCount_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConfusionCounts(1, -1, 0, 0));
    }

    [Fact]
    public void Add_TwoCounts_AddsCellwise()
    {
        Assert.Equal(new ConfusionCounts(5, 7, 9, 11), new ConfusionCounts(1, 2, 3, 4) + new ConfusionCounts(4, 5, 6, 7));
    }
}
