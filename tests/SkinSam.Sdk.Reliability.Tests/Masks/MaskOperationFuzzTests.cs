using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Reliability.Tests.Masks;

/// <summary>
/// Property tests over random masks up to 160 pixels a side, noisy or made of rings with holes: the mask operations never
/// throw and keep their invariants, and COCO RLE round-trips.
/// </summary>
[Trait("Category", "Long")]
public sealed class MaskOperationFuzzTests
{
    public static Arbitrary<BinaryMask> Masks() =>
        (from width in Gen.OneOf(Gen.Choose(1, 3), Gen.Choose(1, 160))
         from height in Gen.OneOf(Gen.Choose(1, 3), Gen.Choose(1, 160))
         from density in Gen.Choose(0, 100)
         from rings in Gen.Choose(0, 6)
         from seed in Gen.Choose(0, int.MaxValue)
         select Create(width, height, density, rings, seed)).ToArbitrary();

    [Property(Arbitrary = [typeof(MaskOperationFuzzTests)], MaxTest = 1000)]
    public bool CocoRle_RandomMask_RoundTripsThroughCountsAndString(BinaryMask mask)
    {
        CocoRle rle = mask.ToCocoRle();
        BinaryMask fromCounts = new CocoRle(mask.Width, mask.Height, rle.Counts).ToMask();
        BinaryMask fromString = CocoRle.FromCompressedString(rle.ToCompressedString(), mask.Width, mask.Height).ToMask();
        return rle.Area == mask.Area && fromCounts.Data.SequenceEqual(mask.Data) && fromString.Data.SequenceEqual(mask.Data);
    }

    [Property(Arbitrary = [typeof(MaskOperationFuzzTests)], MaxTest = 1000)]
    public bool FillHoles_RandomMask_IsIdempotentSupersetOfSameSize(BinaryMask mask)
    {
        BinaryMask once = mask.FillHoles();
        BinaryMask twice = once.FillHoles();
        for (int i = 0; i < mask.Data.Length; i++)
        {
            if (mask.Data[i] != 0 && once.Data[i] == 0)
            {
                return false;
            }
        }

        return once.Width == mask.Width && once.Height == mask.Height && twice.Data.SequenceEqual(once.Data);
    }

    [Property(Arbitrary = [typeof(MaskOperationFuzzTests)], MaxTest = 1000)]
    public bool KeepLargestComponent_RandomMask_IsSubsetThatKeepsItself(BinaryMask mask, bool eightConnected)
    {
        Connectivity connectivity = eightConnected ? Connectivity.Eight : Connectivity.Four;
        BinaryMask largest = mask.KeepLargestComponent(connectivity);
        for (int i = 0; i < mask.Data.Length; i++)
        {
            if (largest.Data[i] != 0 && mask.Data[i] == 0)
            {
                return false;
            }
        }

        bool emptyIffEmpty = (largest.Area == 0) == (mask.Area == 0);
        return emptyIffEmpty && largest.KeepLargestComponent(connectivity).Data.SequenceEqual(largest.Data);
    }

    private static BinaryMask Create(int width, int height, int density, int rings, int seed)
    {
        var random = new Random(seed);
        var data = new byte[width * height];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = random.Next(100) < density ? (byte)1 : (byte)0;
        }

        // Rings (annuli) enclose holes, which noise alone rarely does.
        for (int r = 0; r < rings; r++)
        {
            double cx = random.NextDouble() * width, cy = random.NextDouble() * height;
            double outer = 1 + (random.NextDouble() * Math.Max(width, height) / 2), inner = outer * random.NextDouble();
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    double d = Math.Sqrt(((x - cx) * (x - cx)) + ((y - cy) * (y - cy)));
                    if (d <= outer && d >= inner)
                    {
                        data[(y * width) + x] = 1;
                    }
                }
            }
        }

        return BinaryMask.Wrap(data, width, height);
    }
}
