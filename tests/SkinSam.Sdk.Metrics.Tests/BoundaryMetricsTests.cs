namespace SkinSam.Sdk.Metrics.Tests;

public sealed class BoundaryMetricsTests
{
    [Fact]
    public void Compute_BothEmpty_AllZero()
    {
        Assert.Equal(new BoundaryMetrics(0, 0, 0), BoundaryMetrics.Compute(5, 4, new byte[20], new byte[20]));
    }

    [Fact]
    public void Compute_PredictionEmpty_AllPositiveInfinity()
    {
        byte[] g = new byte[20];
        g[7] = 1;

        BoundaryMetrics m = BoundaryMetrics.Compute(5, 4, new byte[20], g);

        Assert.True(double.IsPositiveInfinity(m.HausdorffDistance95));
        Assert.True(double.IsPositiveInfinity(m.AverageSymmetricSurfaceDistance));
        Assert.True(double.IsPositiveInfinity(m.HausdorffDistance));
    }

    [Fact]
    public void Compute_TwoPixels_DistanceIsEuclideanScaledBySpacing()
    {
        byte[] p = new byte[50];
        byte[] g = new byte[50];
        p[(1 * 10) + 2] = 1;
        g[(4 * 10) + 6] = 1;

        BoundaryMetrics m = BoundaryMetrics.Compute(10, 5, p, g, new PixelSpacing(0.5, 2.0));

        double expected = Math.Sqrt((4 * 0.5 * 4 * 0.5) + (3 * 2.0 * 3 * 2.0));
        Assert.Equal(expected, m.HausdorffDistance, 12);
        Assert.Equal(expected, m.HausdorffDistance95, 12);
        Assert.Equal(expected, m.AverageSymmetricSurfaceDistance, 12);
    }

    [Fact]
    public void Compute_DefaultSpacing_ThrowsWithExpectedAndActual()
    {
        var ex = Assert.Throws<ArgumentException>(() => BoundaryMetrics.Compute(2, 2, new byte[4], new byte[4], default));

        Assert.Contains("Expected a pixel spacing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got (0, 0)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, -2.0)]
    [InlineData(double.NaN, 1.0)]
    [InlineData(1.0, double.PositiveInfinity)]
    public void PixelSpacing_NotFinitePositive_Throws(double x, double y)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PixelSpacing(x, y));
    }

    [Fact]
    public void Compute_WrongMaskLength_ThrowsNamingTheMask()
    {
        var ex = Assert.Throws<ArgumentException>(() => BoundaryMetrics.Compute(3, 3, new byte[8], new byte[9]));

        Assert.Equal("predicted", ex.ParamName);
        Assert.Contains("got 8", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 1, 0.5, 1)]
    [InlineData(9, 1, 0.5, 2)]
    [InlineData(1, 9, 0.5, 3)]
    [InlineData(17, 13, 0.2, 4)]
    [InlineData(17, 13, 0.7, 5)]
    [InlineData(40, 3, 0.5, 6)]
    public void SurfaceExtraction_RandomMasks_MatchesFourNeighbourDefinition(int width, int height, double density, int seed)
    {
        byte[] mask = MaskFactory.Random(width * height, density, seed);
        var scratch = new byte[mask.Length];
        var surface = new byte[mask.Length];

        SurfaceBox box = SurfaceExtraction.Extract(width, height, mask, scratch, surface);

        int count = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bool Fg(int xx, int yy) => xx >= 0 && yy >= 0 && xx < width && yy < height && mask[(yy * width) + xx] != 0;
                bool expected = Fg(x, y) && !(Fg(x - 1, y) && Fg(x + 1, y) && Fg(x, y - 1) && Fg(x, y + 1));
                Assert.Equal(expected, surface[(y * width) + x] != 0);
                count += expected ? 1 : 0;
            }
        }

        Assert.Equal(count, box.Count);
    }

    [Theory]
    [InlineData(23, 17, 0.05, 0.1, 1.0, 1.0, 1)]
    [InlineData(23, 17, 0.3, 0.02, 0.6, 1.7, 2)]
    [InlineData(1, 31, 0.2, 0.2, 1.0, 1.0, 3)]
    [InlineData(31, 1, 0.2, 0.2, 1.0, 1.0, 4)]
    [InlineData(64, 48, 0.002, 1.0, 1.3, 0.4, 5)]
    [InlineData(40, 30, 0.01, 0.3, 0.01, 5.0, 6)]
    [InlineData(40, 30, 0.01, 0.3, 5.0, 0.01, 7)]
    [InlineData(50, 50, 0.5, 0.5, 1.0, 1.0, 8)]
    public void SurfaceDistanceTransform_RandomPoints_MatchesBruteForce(int width, int height, double featureDensity, double queryDensity, double sx, double sy, int seed)
    {
        byte[] features = MaskFactory.Random(width * height, featureDensity, seed);
        features[seed % features.Length] = 1;
        byte[] queries = MaskFactory.Random(width * height, queryDensity, seed + 100);
        var box = new SurfaceBox(width * height, 0, 0, width - 1, height - 1);
        var distances = new double[width * height];

        int written = SurfaceDistanceTransform.Collect(width, box, features, queries, new PixelSpacing(sx, sy), distances);

        int k = 0;
        for (int i = 0; i < queries.Length; i++)
        {
            if (queries[i] == 0)
            {
                continue;
            }

            double best = double.PositiveInfinity;
            for (int j = 0; j < features.Length; j++)
            {
                if (features[j] != 0)
                {
                    double dx = ((i % width) - (j % width)) * sx;
                    double dy = ((i / width) - (j / width)) * sy;
                    best = Math.Min(best, Math.Sqrt((dx * dx) + (dy * dy)));
                }
            }

            Assert.Equal(best, distances[k++], 1e-10);
        }

        Assert.Equal(k, written);
    }
}
