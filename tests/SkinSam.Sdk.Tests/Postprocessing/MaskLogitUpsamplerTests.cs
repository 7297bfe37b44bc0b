using System.Text.Json;
using SkinSam.Sdk.Postprocessing;

namespace SkinSam.Sdk.Tests.Postprocessing;

public sealed class MaskLogitUpsamplerTests
{
    // torch 1.13 float32 with its own rounding order; the SDK differs by a few float32 ulps.
    private const float TorchTolerance = 1e-5f;

    public static TheoryData<int, int> GoldenSizes => new()
    {
        { 200, 150 }, { 150, 200 }, { 600, 450 }, { 7, 5 }, { 1024, 1024 }, { 1023, 767 }, { 333, 251 },
    };

    [Theory]
    [MemberData(nameof(GoldenSizes))]
    public void Upsample_GoldenSizes_MatchesTorchPostprocessMasks(int width, int height)
    {
        float[] low = PostprocessingTestData.LowResolutionLogits();
        float[] actual = MaskLogitUpsampler.Upsample(low, width, height);
        AssertMatchesGolden(width, height, actual);
    }

    [Theory]
    [MemberData(nameof(GoldenSizes))]
    public void UpsampleTwoStep_GoldenSizes_MatchesTorchPostprocessMasks(int width, int height)
    {
        float[] low = PostprocessingTestData.LowResolutionLogits();
        var actual = new float[width * height];
        MaskLogitUpsampler.UpsampleTwoStep(low, width, height, actual);
        AssertMatchesGolden(width, height, actual);
    }

    [Fact]
    public void UpsampleTwoStep_MultimaskGoldens_AreBitIdenticalToTorchGenericKernel()
    {
        float[] low = PostprocessingTestData.LowResolutionLogits();
        int checkedSizes = 0;
        foreach (JsonElement e in PostprocessingTestData.ReadJson("upsampled_k3.json").EnumerateArray())
        {
            int width = e.GetProperty("width").GetInt32(), height = e.GetProperty("height").GetInt32();
            float[] expected = PostprocessingTestData.ReadFloats(e.GetProperty("file").GetString()!);
            var actual = new float[width * height];
            MaskLogitUpsampler.UpsampleTwoStep(low, width, height, actual);
            Assert.Equal(expected, actual);
            checkedSizes++;
        }

        Assert.Equal(3, checkedSizes);
    }

    [Theory]
    [InlineData(200, 150)]
    [InlineData(1, 1)]
    [InlineData(1, 2000)]
    [InlineData(2048, 1536)]
    [InlineData(1024, 3)]
    public void Upsample_AnySize_StaysWithinRoundingOfTwoStep(int width, int height)
    {
        float[] low = PostprocessingTestData.LowResolutionLogits();
        float[] fused = MaskLogitUpsampler.Upsample(low, width, height);
        var twoStep = new float[width * height];
        MaskLogitUpsampler.UpsampleTwoStep(low, width, height, twoStep);
        for (int i = 0; i < fused.Length; i++)
        {
            Assert.True(Math.Abs(fused[i] - twoStep[i]) <= 2e-5f * Math.Max(1f, Math.Abs(twoStep[i])), $"Pixel {i}: fused {fused[i]}, two-step {twoStep[i]}.");
        }
    }

    [Theory]
    [InlineData(256, 256, 1024, 1024)]
    [InlineData(256, 256, 200, 150)]
    [InlineData(13, 7, 5, 29)]
    [InlineData(1, 1, 3, 4)]
    [InlineData(9, 1, 9, 6)]
    [InlineData(8, 8, 8, 8)]
    [InlineData(17, 3, 17, 40)]
    public void ResizeBilinear_Sizes_EqualsScalarTorchTranscription(int sourceWidth, int sourceHeight, int width, int height)
    {
        float[] source = RandomValues(sourceWidth * sourceHeight, seed: sourceWidth + (31 * height));
        var actual = new float[width * height];
        MaskLogitUpsampler.ResizeBilinear(source, sourceWidth, sourceHeight, actual, width, height);
        float[] expected = BilinearReference.Resize(source, sourceWidth, sourceHeight, width, height);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ResizeBilinear_LowResolutionGoldens_MatchTorchInterpolate()
    {
        float[] low = PostprocessingTestData.LowResolutionLogits();
        int checkedSizes = 0;
        foreach (JsonElement e in PostprocessingTestData.ReadJson("resized.json").EnumerateArray())
        {
            int width = e.GetProperty("width").GetInt32(), height = e.GetProperty("height").GetInt32();
            float[] expected = PostprocessingTestData.ReadFloats(e.GetProperty("file").GetString()!);
            var actual = new float[width * height];
            MaskLogitUpsampler.ResizeBilinear(low, 256, 256, actual, width, height);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= TorchTolerance, $"{width}x{height} pixel {i}: torch {expected[i]}, SDK {actual[i]}.");
            }

            checkedSizes++;
        }

        Assert.Equal(3, checkedSizes);
    }

    [Fact]
    public void Upsample_SteadyState_AllocatesNothing()
    {
        float[] low = PostprocessingTestData.LowResolutionLogits();
        var destination = new float[600 * 450];
        MaskLogitUpsampler.Upsample(low, 600, 450, destination);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++)
        {
            MaskLogitUpsampler.Upsample(low, 600, 450, destination);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Upsample_WrongLowResolutionLength_ThrowsWithCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() => MaskLogitUpsampler.Upsample(new float[100], 10, 10));
        Assert.Contains("Expected 65536 low-resolution logits (256x256); got 100.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Upsample_WrongDestinationLength_ThrowsWithCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() => MaskLogitUpsampler.Upsample(new float[65536], 10, 10, new float[99]));
        Assert.Contains("Expected a destination of 100 values for 10x10; got 99.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, -1)]
    public void Upsample_EmptySize_Throws(int width, int height)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MaskLogitUpsampler.Upsample(new float[65536], width, height));
        Assert.Contains($"Expected an original image size of at least 1x1; got {width}x{height}.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResizeBilinear_WrongSourceLength_ThrowsWithCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() => MaskLogitUpsampler.ResizeBilinear(new float[5], 2, 3, new float[4], 2, 2));
        Assert.Contains("Expected 6 source values for 2x3; got 5.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResizeBilinear_OverlappingSpans_Throws()
    {
        var buffer = new float[8];
        var ex = Assert.Throws<ArgumentException>(() => MaskLogitUpsampler.ResizeBilinear(buffer.AsSpan(0, 4), 2, 2, buffer.AsSpan(2, 4), 2, 2));
        Assert.Contains("does not overlap", ex.Message, StringComparison.Ordinal);
    }

    private static void AssertMatchesGolden(int width, int height, float[] actual)
    {
        JsonElement entry = FindEntry(width, height);
        float worst = 0f;
        if (entry.GetProperty("file").ValueKind == JsonValueKind.String)
        {
            float[] expected = PostprocessingTestData.ReadFloats(entry.GetProperty("file").GetString()!);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
            }
        }

        foreach (JsonElement sample in entry.GetProperty("sampledRows").EnumerateArray())
        {
            int row = sample.GetProperty("row").GetInt32();
            int x = 0;
            foreach (JsonElement v in sample.GetProperty("values").EnumerateArray())
            {
                worst = Math.Max(worst, Math.Abs(v.GetSingle() - actual[(row * width) + x]));
                x++;
            }

            Assert.Equal(width, x);
        }

        Assert.True(worst <= TorchTolerance, $"Largest difference to torch at {width}x{height}: {worst}.");

        // Row and column sums of the whole output catch wrong crops and shifts in unsampled rows.
        double[] rowSums = new double[height];
        double[] columnSums = new double[width];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                rowSums[y] += actual[(y * width) + x];
                columnSums[x] += actual[(y * width) + x];
            }
        }

        AssertSums(entry.GetProperty("rowSums"), rowSums, width);
        AssertSums(entry.GetProperty("columnSums"), columnSums, height);
    }

    private static void AssertSums(JsonElement expected, double[] actual, int terms)
    {
        int i = 0;
        foreach (JsonElement e in expected.EnumerateArray())
        {
            Assert.True(Math.Abs(e.GetDouble() - actual[i]) <= TorchTolerance * terms, $"Sum {i}: expected {e.GetDouble()}, got {actual[i]}.");
            i++;
        }

        Assert.Equal(actual.Length, i);
    }

    private static JsonElement FindEntry(int width, int height)
    {
        foreach (JsonElement e in PostprocessingTestData.ReadJson("upsampled.json").GetProperty("outputs").EnumerateArray())
        {
            if (e.GetProperty("width").GetInt32() == width && e.GetProperty("height").GetInt32() == height)
            {
                return e;
            }
        }

        throw new InvalidOperationException($"No golden for {width}x{height}.");
    }

    private static float[] RandomValues(int n, int seed)
    {
        var random = new Random(seed);
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = (float)((random.NextDouble() * 60) - 30);
        }

        return values;
    }
}
