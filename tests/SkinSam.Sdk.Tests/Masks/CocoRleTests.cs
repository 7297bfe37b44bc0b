using SkinSam.Sdk.Automatic;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Tests.Masks;

public sealed class CocoRleTests
{
    [Fact]
    public void Encode_ForegroundTopLeft_StartsWithZeroBackgroundRun()
    {
        // 2 wide, 3 high, row-major; column-major order is 1,0,0 then 1,1,0.
        BinaryMask mask = BinaryMask.Wrap([1, 1, 0, 1, 0, 0], 2, 3);
        CocoRle rle = mask.ToCocoRle();
        Assert.Equal(new[] { 0, 1, 2, 2, 1 }, rle.Counts.ToArray());
        Assert.Equal(3, rle.Area);
    }

    [Fact]
    public void ToCompressedString_KnownCounts_MatchesPycocotoolsAlphabet()
    {
        // Counts 0, 24 (all foreground 4x6): "0" then 24 = 0x18 needs a sign-safe second group: "h0".
        var rle = new CocoRle(4, 6, [0, 24]);
        Assert.Equal("0h0", rle.ToCompressedString());
    }

    [Fact]
    public void FromCompressedString_NegativeDelta_AddsCountTwoBefore()
    {
        var rle = new CocoRle(10, 10, [10, 40, 20, 5, 25]);
        string s = rle.ToCompressedString();
        Assert.Equal(rle.Counts.ToArray(), CocoRle.FromCompressedString(s, 10, 10).Counts.ToArray());
    }

    [Fact]
    public void Constructor_WrongSum_ThrowsWithSums()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CocoRle(3, 3, [4, 4]));
        Assert.Contains("Expected run lengths summing to 9 (3x3); got 8.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NegativeCount_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CocoRle(3, 3, [10, -1]));
        Assert.Contains("Expected run lengths of at least 0; got -1 at index 1.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCompressedString_BadCharacter_ThrowsFormatException()
    {
        var ex = Assert.Throws<FormatException>(() => CocoRle.FromCompressedString("0h~", 4, 6));
        Assert.Contains("got '~' at position 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCompressedString_Truncated_ThrowsFormatException()
    {
        var ex = Assert.Throws<FormatException>(() => CocoRle.FromCompressedString("0h", 4, 6));
        Assert.Contains("got the end of the string", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCompressedString_WrongSize_ThrowsWithSums()
    {
        var ex = Assert.Throws<ArgumentException>(() => CocoRle.FromCompressedString("0h0", 5, 6));
        Assert.Contains("Expected run lengths summing to 30 (5x6); got 24.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_WrongLength_ThrowsWithCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() => CocoRle.Encode(new byte[5], 2, 3));
        Assert.Contains("Expected 6 mask bytes for 2x3; got 5.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncodeRegion_RandomRegionsAndDensities_EqualsEncodeOfTheWholeMask()
    {
        var random = new Random(1623);
        for (int trial = 0; trial < 4000; trial++)
        {
            int w = random.Next(1, 13), h = random.Next(1, 13);
            int rw = random.Next(1, w + 1), rh = random.Next(1, h + 1);
            int x = random.Next(0, w - rw + 1), y = random.Next(0, h - rh + 1);
            double density = (trial % 5) switch { 0 => 0.0, 1 => 1.0, 2 => 0.05, _ => random.NextDouble() };
            var region = new byte[rw * rh];
            for (int i = 0; i < region.Length; i++)
            {
                region[i] = random.NextDouble() < density ? (byte)1 : (byte)0;
            }

            var whole = new byte[w * h];
            for (int r = 0; r < rh; r++)
            {
                region.AsSpan(r * rw, rw).CopyTo(whole.AsSpan(((y + r) * w) + x));
            }

            CocoRle rle = CocoRle.EncodeRegion(region, rw, rh, x, y, w, h, MaskExtent.Of(region, rw, rh));

            Assert.Equal(CocoRle.Encode(whole, w, h).Counts.ToArray(), rle.Counts.ToArray());
        }
    }

    [Fact]
    public void EncodeRegion_ExtentOutsideTheRegion_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => CocoRle.EncodeRegion(new byte[4], 2, 2, 1, 0, 3, 2, (0, 0, 2, 1)));
        Assert.Contains("extent inside it", ex.Message, StringComparison.Ordinal);
    }
}
