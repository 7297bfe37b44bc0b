using SkinSam.Sdk.Postprocessing;

namespace SkinSam.Sdk.Tests.Postprocessing;

public sealed class WeightedRowSumTests
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
    public void Two_Length_EqualsScalarReference(int n)
    {
        float[] a = Values(n, 1), b = Values(n, 2);
        var actual = new float[n];
        WeightedRowSum.Two(a, 0.3f, b, 0.7f, actual);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(MathF.FusedMultiplyAdd(a[i], 0.3f, b[i] * 0.7f), actual[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Four_Length_EqualsScalarReference(int n)
    {
        float[] a = Values(n, 1), b = Values(n, 2), c = Values(n, 3), d = Values(n, 4);
        var actual = new float[n];
        WeightedRowSum.Four(a, 0.1f, b, 0.2f, c, 0.3f, d, 0.4f, actual);
        for (int i = 0; i < n; i++)
        {
            float expected = MathF.FusedMultiplyAdd(a[i], 0.1f, b[i] * 0.2f);
            expected = MathF.FusedMultiplyAdd(c[i], 0.3f, expected);
            expected = MathF.FusedMultiplyAdd(d[i], 0.4f, expected);
            Assert.Equal(expected, actual[i]);
        }
    }

    [Fact]
    public void Two_ShortSource_ThrowsWithLengths()
    {
        var ex = Assert.Throws<ArgumentException>(() => WeightedRowSum.Two(new float[3], 1f, new float[4], 1f, new float[4]));
        Assert.Contains("Expected source rows of at least 4 values; got 3 and 4.", ex.Message, StringComparison.Ordinal);
    }

    private static float[] Values(int n, int seed)
    {
        var random = new Random(seed);
        var v = new float[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = (float)((random.NextDouble() * 80) - 40);
        }

        return v;
    }
}
