namespace SkinSam.Sdk.Metrics.Tests;

public sealed class BitPackedMaskTests
{
    [Theory]
    [MemberData(nameof(ForegroundCountingTests.Lengths), MemberType = typeof(ForegroundCountingTests))]
    public void Pack_LengthSweep_MatchesBitByBitReference(int length)
    {
        byte[] mask = MaskFactory.Random(length, 0.5, length + 7);
        var packed = new ulong[BitPackedMask.WordCount(length)];

        BitPackedMask.Pack(mask, packed);

        for (int i = 0; i < length; i++)
        {
            Assert.Equal(mask[i] != 0, ((packed[i / 64] >> (i % 64)) & 1) == 1);
        }

        if (length % 64 != 0)
        {
            Assert.Equal(0UL, packed[^1] >> (length % 64));
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(64, 1)]
    [InlineData(65, 2)]
    [InlineData(30000, 469)]
    public void WordCount_PixelCount_RoundsUp(long pixels, long words)
    {
        Assert.Equal(words, BitPackedMask.WordCount(pixels));
    }

    [Fact]
    public void Pack_WrongDestinationLength_ThrowsWithExpectedAndActual()
    {
        var ex = Assert.Throws<ArgumentException>(() => BitPackedMask.Pack(new byte[130], new ulong[2]));

        Assert.Contains("Expected 3 words for 130 pixels; got 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WordCount_NegativePixels_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BitPackedMask.WordCount(-1));
    }
}
