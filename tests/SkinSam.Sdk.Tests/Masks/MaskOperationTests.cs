using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Tests.Masks;

public sealed class MaskOperationTests
{
    [Fact]
    public void FillHoles_DiagonalGap_FillsBecauseBackgroundIsFourConnected()
    {
        // The centre touches the outside only through diagonal gaps between the four arms.
        BinaryMask mask = BinaryMask.Wrap(
            [
                0, 1, 0,
                1, 0, 1,
                0, 1, 0,
            ],
            3,
            3);
        Assert.True(mask.FillHoles()[1, 1]);
    }

    [Fact]
    public void FillHoles_OpenToBorder_KeepsBackground()
    {
        BinaryMask mask = BinaryMask.Wrap(
            [
                1, 1, 1,
                1, 0, 1,
                1, 0, 1,
            ],
            3,
            3);
        Assert.Equal(mask.Data.ToArray(), mask.FillHoles().Data.ToArray());
    }

    [Fact]
    public void KeepLargestComponent_EqualSizes_KeepsFirstInRowMajorOrder()
    {
        BinaryMask mask = BinaryMask.Wrap([1, 0, 1, 0, 0, 0], 3, 2);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0 }, mask.KeepLargestComponent().Data.ToArray());
    }

    [Fact]
    public void KeepLargestComponent_DiagonalPair_DependsOnConnectivity()
    {
        BinaryMask mask = BinaryMask.Wrap([1, 0, 0, 1], 2, 2);
        Assert.Equal(2, mask.KeepLargestComponent(Connectivity.Eight).Area);
        Assert.Equal(1, mask.KeepLargestComponent(Connectivity.Four).Area);
    }

    [Fact]
    public void KeepLargest_UnknownConnectivity_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ConnectedComponents.KeepLargest(new byte[4], 2, 2, new byte[4], (Connectivity)6));
        Assert.Contains("Expected Connectivity.Four or Connectivity.Eight; got 6.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fill_OverlappingSpans_Throws()
    {
        var buffer = new byte[4];
        var ex = Assert.Throws<ArgumentException>(() => HoleFilling.Fill(buffer, 2, 2, buffer));
        Assert.Contains("does not overlap", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fill_WrongDestinationLength_ThrowsWithCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() => HoleFilling.Fill(new byte[6], 3, 2, new byte[5]));
        Assert.Contains("Expected a destination of 6 bytes for 3x2; got 5.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Area_NonNormalisedBytes_CountsNonZero()
    {
        BinaryMask mask = BinaryMask.Wrap([0, 255, 2, 0, 1], 5, 1);
        Assert.Equal(3, mask.Area);
    }

    [Fact]
    public void BoundingBox_SinglePixel_IsOneByOne()
    {
        var mask = new BinaryMask(5, 4);
        mask[3, 2] = true;
        Assert.Equal(new PixelRect(3, 2, 1, 1), mask.BoundingBox);
    }
}
