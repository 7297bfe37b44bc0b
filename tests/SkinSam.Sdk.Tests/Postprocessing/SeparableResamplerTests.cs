using SkinSam.Sdk.Postprocessing;

namespace SkinSam.Sdk.Tests.Postprocessing;

public sealed class SeparableResamplerTests
{
    [Theory]
    [InlineData(19, 37, 37)]
    [InlineData(8, 8, 8)]
    [InlineData(16, 24, 30)]
    [InlineData(7, 9, 9)]
    [InlineData(1, 40, 40)]
    [InlineData(40, 1, 3)]
    [InlineData(256, 256, 256)]
    public void Transpose_Rectangle_SwapsRowsAndColumns(int rows, int columns, int stride)
    {
        float[] source = Values(((rows - 1) * stride) + columns, 5);
        var actual = new float[rows * columns];
        SeparableResampler.Transpose(source, rows, columns, stride, actual);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                Assert.Equal(source[(r * stride) + c], actual[(c * rows) + r]);
            }
        }
    }

    [Fact]
    public void Transpose_ShortDestination_ThrowsWithLengths()
    {
        var ex = Assert.Throws<ArgumentException>(() => SeparableResampler.Transpose(new float[12], 3, 4, 4, new float[11]));
        Assert.Contains("and a destination of 12; got 12 and 11.", ex.Message, StringComparison.Ordinal);
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
