using FsCheck;
using FsCheck.Xunit;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Tests.Masks;

public sealed class MaskOperationPropertyTests
{
    [Property(Arbitrary = [typeof(MaskArbitraries)], MaxTest = 300)]
    public bool CocoRle_AnyMask_RoundTripsThroughCounts(BinaryMask mask)
    {
        CocoRle rle = mask.ToCocoRle();
        var again = new CocoRle(mask.Width, mask.Height, rle.Counts);
        return again.ToMask().Data.SequenceEqual(mask.Data) && rle.Area == mask.Area;
    }

    [Property(Arbitrary = [typeof(MaskArbitraries)], MaxTest = 300)]
    public bool CocoRle_AnyMask_RoundTripsThroughCompressedString(BinaryMask mask)
    {
        string s = mask.ToCocoRle().ToCompressedString();
        return CocoRle.FromCompressedString(s, mask.Width, mask.Height).ToMask().Data.SequenceEqual(mask.Data);
    }

    [Property(Arbitrary = [typeof(MaskArbitraries)], MaxTest = 300)]
    public bool FillHoles_AnyMask_IsIdempotentSuperset(BinaryMask mask)
    {
        BinaryMask once = mask.FillHoles();
        BinaryMask twice = once.FillHoles();
        bool superset = true;
        for (int i = 0; i < mask.Data.Length; i++)
        {
            superset &= mask.Data[i] == 0 || once.Data[i] == 1;
        }

        return superset && twice.Data.SequenceEqual(once.Data);
    }

    [Property(Arbitrary = [typeof(MaskArbitraries)], MaxTest = 300)]
    public bool KeepLargestComponent_AnyMask_IsSubsetThatKeepsItself(BinaryMask mask, bool eight)
    {
        Connectivity connectivity = eight ? Connectivity.Eight : Connectivity.Four;
        BinaryMask largest = mask.KeepLargestComponent(connectivity);
        bool subset = true;
        for (int i = 0; i < mask.Data.Length; i++)
        {
            subset &= largest.Data[i] == 0 || mask.Data[i] != 0;
        }

        bool stable = largest.KeepLargestComponent(connectivity).Data.SequenceEqual(largest.Data);
        bool nonEmptyWhenMaskIs = (mask.Area == 0) == (largest.Area == 0);
        return subset && stable && nonEmptyWhenMaskIs;
    }

    [Property(Arbitrary = [typeof(MaskArbitraries)], MaxTest = 200)]
    public bool KeepLargestComponent_EightConnected_IsAtLeastFourConnected(BinaryMask mask) =>
        mask.KeepLargestComponent(Connectivity.Eight).Area >= mask.KeepLargestComponent(Connectivity.Four).Area;
    [Property(Arbitrary = [typeof(MaskArbitraries)], MaxTest = 300)]
    public bool Union_AnyMaskWithItsComplement_IsEverythingAndWithItselfIsItself(BinaryMask mask)
    {
        var complement = new BinaryMask(mask.Width, mask.Height);
        for (int i = 0; i < mask.Data.Length; i++)
        {
            complement.Data[i] = (byte)(1 - mask.Data[i]);
        }

        BinaryMask all = BinaryMask.Union([mask, complement]);
        BinaryMask same = BinaryMask.Union([mask, mask]);
        return all.Area == mask.Width * mask.Height && same.Data.SequenceEqual(mask.Data) && !ReferenceEquals(same, mask);
    }

    [Fact]
    public void Union_NoMasksNullOrDifferentSizes_ThrowsArgumentExceptionNamingWhat()
    {
        Assert.Contains("got none", Assert.Throws<ArgumentException>(() => BinaryMask.Union([])).Message, StringComparison.Ordinal);
        Assert.Contains("index 1", Assert.Throws<ArgumentException>(() => BinaryMask.Union([new BinaryMask(2, 2), null!])).Message, StringComparison.Ordinal);
        Assert.Contains("got 3x2 at index 1", Assert.Throws<ArgumentException>(() => BinaryMask.Union([new BinaryMask(2, 2), new BinaryMask(3, 2)])).Message, StringComparison.Ordinal);
    }
}
