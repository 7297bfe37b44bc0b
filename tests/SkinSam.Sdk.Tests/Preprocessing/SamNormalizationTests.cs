using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Tests.Preprocessing;

public sealed class SamNormalizationTests
{
    [Fact]
    public void NormalizeRow_LengthsZeroTo256_EqualsScalarReferenceBitForBit()
    {
        var random = new Random(42);
        for (int pixels = 0; pixels <= 256; pixels++)
        {
            var rgb = new byte[pixels * 3];
            random.NextBytes(rgb);
            float[] r = new float[pixels], g = new float[pixels], b = new float[pixels];
            float[] rs = new float[pixels], gs = new float[pixels], bs = new float[pixels];

            SamNormalization.NormalizeRow(rgb, r, g, b);
            SamNormalization.NormalizeRowScalar(rgb, rs, gs, bs);

            Assert.Equal(rs, r);
            Assert.Equal(gs, g);
            Assert.Equal(bs, b);
        }
    }

    [Fact]
    public void NormalizeRowScalar_AllByteValues_EqualFloat32Formula()
    {
        byte[] rgb = Enumerable.Range(0, 256 * 3).Select(i => (byte)(i / 3)).ToArray();
        float[] r = new float[256], g = new float[256], b = new float[256];

        SamNormalization.NormalizeRowScalar(rgb, r, g, b);

        for (int v = 0; v < 256; v++)
        {
            Assert.Equal((v - 123.675f) / 58.395f, r[v]);
            Assert.Equal((v - 116.28f) / 57.12f, g[v]);
            Assert.Equal((v - 103.53f) / 57.375f, b[v]);
        }
    }

    [Fact]
    public void NormalizeRow_PartialPixel_ThrowsWithExpectedAndActual()
    {
        var ex = Assert.Throws<ArgumentException>(() => SamNormalization.NormalizeRow(new byte[7], new float[3], new float[3], new float[3]));
        Assert.StartsWith("Expected a whole number of RGB pixels (a multiple of 3 bytes); got 7 bytes.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NormalizeRow_ShortPlane_ThrowsWithExpectedAndActual()
    {
        var ex = Assert.Throws<ArgumentException>(() => SamNormalization.NormalizeRow(new byte[9], new float[3], new float[2], new float[3]));
        Assert.StartsWith("Expected planes of at least 3 floats; got 3, 2 and 3.", ex.Message, StringComparison.Ordinal);
    }
}
