using System.Text.Json;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Tests.Preprocessing;

public sealed class SamPreprocessorTests
{
    private const int T = 1024;

    public static TheoryData<int> SamCases => PreprocessingGoldens.CaseIndices("sam");

    [Theory]
    [InlineData(200, 150, 1024, 768)]
    [InlineData(150, 200, 768, 1024)]
    [InlineData(7, 5, 1024, 731)]
    [InlineData(333, 251, 1024, 772)]
    [InlineData(1025, 769, 1024, 768)]
    [InlineData(97, 1013, 98, 1024)]
    [InlineData(1024, 1024, 1024, 1024)]
    [InlineData(1, 1, 1024, 1024)]
    public void GetResizedSize_Sizes_MatchSamFormula(int width, int height, int expectedWidth, int expectedHeight)
    {
        Assert.Equal((expectedWidth, expectedHeight), SamPreprocessor.GetResizedSize(width, height));
    }

    [Fact]
    public void GetResizedSize_AllGoldenInputs_MatchPython()
    {
        foreach (JsonElement golden in PreprocessingGoldens.Cases("sam"))
        {
            (_, int width, int height) = PreprocessingGoldens.Input(golden.GetProperty("input").GetString()!);
            Assert.Equal(
                (golden.GetProperty("resized_width").GetInt32(), golden.GetProperty("resized_height").GetInt32()),
                SamPreprocessor.GetResizedSize(width, height));
        }
    }

    [Theory]
    [MemberData(nameof(SamCases))]
    public void Preprocess_GoldenInput_MatchesReferenceTensor(int index)
    {
        JsonElement golden = PreprocessingGoldens.Case("sam", index);
        (byte[] rgb, int width, int height) = PreprocessingGoldens.Input(golden.GetProperty("input").GetString()!);
        var tensor = new float[3 * T * T];
        new SamPreprocessor().Preprocess(ImageBuffer.FromRgb24(rgb, width, height), tensor);

        int[] rows = golden.GetProperty("rows").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        float[] expected = PreprocessingGoldens.Floats(golden.GetProperty("rows_file").GetString()!);
        for (int c = 0; c < 3; c++)
        {
            for (int r = 0; r < rows.Length; r++)
            {
                for (int x = 0; x < T; x++)
                {
                    float e = expected[(((c * rows.Length) + r) * T) + x];
                    float a = tensor[(c * T * T) + (rows[r] * T) + x];
                    if (!(Math.Abs(e - a) <= 1e-6f))
                    {
                        Assert.Fail($"channel {c} row {rows[r]} column {x}: expected {e}, got {a}");
                    }
                }
            }

            double sum = 0;
            foreach (float v in tensor.AsSpan(c * T * T, T * T))
            {
                sum += v;
            }

            double expectedSum = golden.GetProperty("channel_sums")[c].GetDouble();
            Assert.True(Math.Abs(sum - expectedSum) <= 1e-6 * Math.Max(1, Math.Abs(expectedSum)), $"channel {c} sum: expected {expectedSum}, got {sum}");
        }
    }

    [Fact]
    public void Preprocess_LandscapeImage_PaddingIsExactlyZero()
    {
        byte[] rgb = SyntheticImage.Create(200, 150, 4);
        var tensor = new float[3 * T * T];
        Array.Fill(tensor, float.NaN);

        new SamPreprocessor().Preprocess(ImageBuffer.FromRgb24(rgb, 200, 150), tensor);

        int nonZeroPadding = 0, unwritten = 0;
        for (int i = 0; i < tensor.Length; i++)
        {
            int y = i / T % T;
            if (y >= 768)
            {
                nonZeroPadding += BitConverter.SingleToUInt32Bits(tensor[i]) != 0 ? 1 : 0;
            }
            else
            {
                unwritten += float.IsNaN(tensor[i]) ? 1 : 0;
            }
        }

        Assert.Equal((0, 0), (nonZeroPadding, unwritten));
    }

    [Fact]
    public void Preprocess_PortraitImage_RightPaddingIsExactlyZero()
    {
        byte[] rgb = SyntheticImage.Create(97, 1013, 7);
        var tensor = new float[3 * T * T];
        Array.Fill(tensor, float.NaN);

        new SamPreprocessor().Preprocess(ImageBuffer.FromRgb24(rgb, 97, 1013), tensor);

        int nonZeroPadding = 0, unwritten = 0;
        for (int i = 0; i < tensor.Length; i++)
        {
            if (i % T >= 98)
            {
                nonZeroPadding += BitConverter.SingleToUInt32Bits(tensor[i]) != 0 ? 1 : 0;
            }
            else
            {
                unwritten += float.IsNaN(tensor[i]) ? 1 : 0;
            }
        }

        Assert.Equal((0, 0), (nonZeroPadding, unwritten));
    }

    [Theory]
    [InlineData(PixelFormat.Bgr24)]
    [InlineData(PixelFormat.Rgba32)]
    [InlineData(PixelFormat.Bgra32)]
    public void Preprocess_OtherPixelFormats_EqualsRgb24(PixelFormat format)
    {
        const int W = 61, H = 47;
        byte[] rgb = SyntheticImage.Create(W, H, 9);
        int bpp = format.BytesPerPixel();
        int stride = (W * bpp) + 5;
        var pixels = new byte[stride * H];
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                int s = ((y * W) + x) * 3, d = (y * stride) + (x * bpp);
                bool bgr = format is PixelFormat.Bgr24 or PixelFormat.Bgra32;
                pixels[d] = rgb[s + (bgr ? 2 : 0)];
                pixels[d + 1] = rgb[s + 1];
                pixels[d + 2] = rgb[s + (bgr ? 0 : 2)];
                if (bpp == 4)
                {
                    pixels[d + 3] = 77;
                }
            }
        }

        var expected = new float[3 * T * T];
        var actual = new float[3 * T * T];
        var preprocessor = new SamPreprocessor();
        preprocessor.Preprocess(ImageBuffer.FromRgb24(rgb, W, H), expected);
        preprocessor.Preprocess(new ImageBuffer(pixels, W, H, format, stride), actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Preprocess_Gray8_ReplicatesLuminance()
    {
        byte[] gray = Enumerable.Range(0, 30 * 20).Select(i => (byte)(i * 7)).ToArray();
        byte[] rgb = gray.SelectMany(v => new[] { v, v, v }).ToArray();
        var expected = new float[3 * T * T];
        var actual = new float[3 * T * T];

        new SamPreprocessor().Preprocess(ImageBuffer.FromRgb24(rgb, 30, 20), expected);
        new SamPreprocessor().Preprocess(new ImageBuffer(gray, 30, 20, PixelFormat.Gray8), actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void PreprocessHwc_RealImage_MatchesPillowResizeAsFloats()
    {
        JsonElement golden = PreprocessingGoldens.Cases("sam").Single(e => e.TryGetProperty("hwc_sha256", out _));
        (byte[] rgb, int width, int height) = PreprocessingGoldens.Input(golden.GetProperty("input").GetString()!);
        var hwc = new float[T * T * 3];

        new SamPreprocessor().PreprocessHwc(ImageBuffer.FromRgb24(rgb, width, height), hwc, out int w, out int h);

        Assert.Equal((golden.GetProperty("resized_width").GetInt32(), golden.GetProperty("resized_height").GetInt32()), (w, h));
        Assert.Equal(golden.GetProperty("hwc_sha256").GetString(), PreprocessingGoldens.Sha256(hwc.AsSpan(0, w * h * 3)));
    }

    [Fact]
    public void Preprocess_WrongDestinationLength_ThrowsWithExpectedAndActual()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new SamPreprocessor().Preprocess(ImageBuffer.FromRgb24(new byte[12], 2, 2), new float[100]));
        Assert.Equal("destination", ex.ParamName);
        Assert.StartsWith("Expected a destination of 1 x 3 x 1024 x 1024 = 3145728 floats; got 100.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PreprocessHwc_ShortDestination_ThrowsWithExpectedAndActual()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new SamPreprocessor().PreprocessHwc(ImageBuffer.FromRgb24(new byte[200 * 150 * 3], 200, 150), new float[10], out _, out _));
        Assert.StartsWith("Expected a destination of at least 768 x 1024 x 3 = 2359296 floats; got 10.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Preprocess_EmptyImage_ThrowsWithExpectedAndActual()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SamPreprocessor().Preprocess(default, new float[3 * T * T]));
        Assert.Equal("image", ex.ParamName);
        Assert.StartsWith("Expected an image of at least 1 x 1 pixels; got an empty ImageBuffer", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 5, "width")]
    [InlineData(5, 0, "height")]
    public void GetResizedSize_NonPositive_ThrowsOutOfRange(int width, int height, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SamPreprocessor.GetResizedSize(width, height));
        Assert.Equal(parameter, ex.ParamName);
    }

    [Theory]
    [InlineData(65536, 1, "height")]
    [InlineData(2049, 1, "height")]
    [InlineData(1, 4097, "width")]
    public void GetResizedSize_AspectRatioBeyondTwiceTheFrame_ThrowsArgumentExceptionNamingShortSide(int width, int height, string parameter)
    {
        var ex = Assert.Throws<ArgumentException>(() => SamPreprocessor.GetResizedSize(width, height));
        Assert.Equal(parameter, ex.ParamName);
        Assert.StartsWith($"Expected an image whose short side is at least 1 pixel after resizing the long side to 1024 (an aspect ratio of at most 2048:1); got {width}x{height}, whose {parameter} resizes to", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetResizedSize_AspectRatioOfExactlyTwiceTheFrame_KeepsOnePixel()
    {
        Assert.Equal((1024, 1), SamPreprocessor.GetResizedSize(2048, 1));
    }

    [Fact]
    public void Constructor_ZeroTarget_ThrowsOutOfRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new SamPreprocessor(0));
        Assert.StartsWith("Expected a target size of 1 to 65536 pixels; got 0.", ex.Message, StringComparison.Ordinal);
    }
}
