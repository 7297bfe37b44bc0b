using FsCheck;
using FsCheck.Fluent;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Tests.Masks;

/// <summary>Random masks for property tests: 1..24 pixels a side, any density, values 0 or 1.</summary>
public static class MaskArbitraries
{
    public static Arbitrary<BinaryMask> Masks()
    {
        Gen<BinaryMask> gen =
            from width in Gen.Choose(1, 24)
            from height in Gen.Choose(1, 24)
            from density in Gen.Choose(0, 100)
            from seed in Gen.Choose(0, int.MaxValue)
            select Create(width, height, density, seed);
        return gen.ToArbitrary();
    }

    private static BinaryMask Create(int width, int height, int density, int seed)
    {
        var random = new Random(seed);
        var data = new byte[width * height];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = random.Next(100) < density ? (byte)1 : (byte)0;
        }

        return BinaryMask.Wrap(data, width, height);
    }
}
