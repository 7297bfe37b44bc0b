namespace SkinSam.Sdk.Metrics.Tests;

public sealed class ForegroundCountingTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= 256; n++)
        {
            data.Add(n);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EveryVectorWidth_LengthSweep_MatchesScalar(int length)
    {
        byte[] p = MaskFactory.Random(length, 0.5, length);
        byte[] g = MaskFactory.Random(length, 0.4, length + 1000);
        ForegroundTally expected = ForegroundCounting.CountScalar(p, g, 0, default);

        Assert.Equal(expected, ForegroundCounting.CountVector128(p, g));
        Assert.Equal(expected, ForegroundCounting.CountVector256(p, g));
        Assert.Equal(expected, ForegroundCounting.CountVector512(p, g));
        Assert.Equal(expected, ForegroundCounting.Count(p, g));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void EveryVectorWidth_UniformMasks_CountsEverythingOrNothing(double density)
    {
        byte[] p = MaskFactory.Random(1000, density, 1);
        long expected = density > 0 ? 1000 : 0;
        var all = new ForegroundTally(expected, expected, expected);

        Assert.Equal(all, ForegroundCounting.CountVector128(p, p));
        Assert.Equal(all, ForegroundCounting.CountVector256(p, p));
        Assert.Equal(all, ForegroundCounting.CountVector512(p, p));
    }

    [Fact]
    public void CountScalar_KnownBytes_CountsNonzeroAsForeground()
    {
        byte[] p = [0, 1, 7, 255, 0, 128];
        byte[] g = [0, 0, 9, 1, 1, 0];

        Assert.Equal(new ForegroundTally(4, 3, 2), ForegroundCounting.CountScalar(p, g, 0, default));
    }

    [Fact]
    public void Count_DifferentLengths_ThrowsWithBothLengths()
    {
        var ex = Assert.Throws<ArgumentException>(() => ForegroundCounting.Count(new byte[5], new byte[4]));

        Assert.Contains("Expected", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got 5 and 4", ex.Message, StringComparison.Ordinal);
    }
}
