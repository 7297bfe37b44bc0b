using System.Text.Json;
using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Tests.Preprocessing;

public sealed class PilBilinearResizeTests
{
    public static TheoryData<int> PilCases => PreprocessingGoldens.CaseIndices("pil");

    public static TheoryData<int> SamCases => PreprocessingGoldens.CaseIndices("sam");

    [Theory]
    [MemberData(nameof(PilCases))]
    public void ResizeRgb24_GoldenSize_MatchesPillowEveryByte(int index)
    {
        JsonElement golden = PreprocessingGoldens.Case("pil", index);
        (byte[] rgb, int width, int height) = PreprocessingGoldens.Input(golden.GetProperty("input").GetString()!);
        int w = golden.GetProperty("width").GetInt32();
        int h = golden.GetProperty("height").GetInt32();
        var output = new byte[w * h * 3];

        PilBilinearResize.ResizeRgb24(rgb, width, height, output, w, h);

        if (golden.TryGetProperty("file", out JsonElement file))
        {
            byte[] expected = PreprocessingGoldens.Bytes(file.GetString()!);
            int differing = expected.Zip(output).Count(p => p.First != p.Second);
            Assert.Equal(0, differing);
        }

        Assert.Equal(golden.GetProperty("sha256").GetString(), PreprocessingGoldens.Sha256(output));
    }

    [Theory]
    [MemberData(nameof(SamCases))]
    public void ResizeRgb24_SamTargetSize_MatchesPillowEveryByte(int index)
    {
        JsonElement golden = PreprocessingGoldens.Case("sam", index);
        (byte[] rgb, int width, int height) = PreprocessingGoldens.Input(golden.GetProperty("input").GetString()!);
        int w = golden.GetProperty("resized_width").GetInt32();
        int h = golden.GetProperty("resized_height").GetInt32();
        var output = new byte[w * h * 3];

        PilBilinearResize.ResizeRgb24(rgb, width, height, output, w, h);

        Assert.Equal(golden.GetProperty("resized_sha256").GetString(), PreprocessingGoldens.Sha256(output));
    }

    [Theory]
    [InlineData(200, 150, 512, 384)]
    [InlineData(7, 5, 3, 2)]
    [InlineData(97, 61, 200, 61)]
    [InlineData(97, 61, 97, 300)]
    [InlineData(600, 450, 1024, 768)]
    [InlineData(31, 7, 64, 7)]
    [InlineData(3, 2, 50, 40)]
    [InlineData(5, 4, 6, 4)]
    [InlineData(600, 450, 256, 192)]
    [InlineData(4000, 300, 1024, 77)]
    [InlineData(333, 251, 100, 75)]
    [InlineData(97, 61, 41, 61)]
    [InlineData(2000, 40, 97, 3)]
    [InlineData(50, 3000, 23, 1024)]
    public void Resize_OneChannel_EqualsEachChannelOfRgbResized(int width, int height, int outWidth, int outHeight)
    {
        byte[] rgb = SyntheticImage.Create(width, height, 11);
        var rgbOut = new byte[outWidth * outHeight * 3];
        PilBilinearResize.ResizeRgb24(rgb, width, height, rgbOut, outWidth, outHeight);

        for (int c = 0; c < 3; c++)
        {
            byte[] plane = Enumerable.Range(0, width * height).Select(i => rgb[(i * 3) + c]).ToArray();
            var planeOut = new byte[outWidth * outHeight];
            PilBilinearResize.Resize(plane, width, height, planeOut, outWidth, outHeight, 1);
            byte[] expected = Enumerable.Range(0, outWidth * outHeight).Select(i => rgbOut[(i * 3) + c]).ToArray();
            Assert.True(expected.AsSpan().SequenceEqual(planeOut), $"channel {c} differs");
        }
    }

    [Fact]
    public void Resize_SameSize_CopiesInput()
    {
        byte[] rgb = SyntheticImage.Create(13, 9, 3);
        var output = new byte[rgb.Length];

        PilBilinearResize.ResizeRgb24(rgb, 13, 9, output, 13, 9);

        Assert.Equal(rgb, output);
    }

    [Fact]
    public void Resize_ShortDestination_ThrowsWithExpectedAndActual()
    {
        var ex = Assert.Throws<ArgumentException>(() => PilBilinearResize.ResizeRgb24(new byte[12], 2, 2, new byte[11], 2, 2));
        Assert.Equal("destination", ex.ParamName);
        Assert.StartsWith("Expected a destination of at least 12 bytes (2x2, 3 channels); got 11.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resize_ShortSource_ThrowsWithExpectedAndActual()
    {
        var ex = Assert.Throws<ArgumentException>(() => PilBilinearResize.ResizeRgb24(new byte[10], 2, 2, new byte[12], 2, 2));
        Assert.StartsWith("Expected a source of at least 12 bytes (2x2, 3 channels); got 10.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1, 1, 1, 3, "sourceWidth")]
    [InlineData(1, -1, 1, 1, 3, "sourceHeight")]
    [InlineData(1, 1, 0, 1, 3, "destinationWidth")]
    [InlineData(1, 1, 1, 0, 3, "destinationHeight")]
    [InlineData(1, 1, 1, 1, 5, "channels")]
    public void Resize_BadSizeOrChannels_ThrowsOutOfRange(int sw, int sh, int dw, int dh, int channels, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => PilBilinearResize.Resize(new byte[16], sw, sh, new byte[16], dw, dh, channels));
        Assert.Equal(parameter, ex.ParamName);
        Assert.StartsWith("Expected ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void VerticalRow_LengthsZeroTo256_EqualsScalarReference(int taps)
    {
        var random = new Random(taps);
        int[] k = Enumerable.Range(0, taps).Select(_ => random.Next(-(1 << 18), 1 << 20)).ToArray();
        for (int length = 0; length <= 256; length++)
        {
            var rows = new byte[taps * length];
            random.NextBytes(rows);
            var vector = new byte[length];
            var scalar = new byte[length];

            PilBilinearResize.VerticalRow(rows, length, k, vector);
            PilBilinearResize.VerticalRowScalar(rows, length, k, scalar);

            Assert.Equal(scalar, vector);
        }
    }
}
