using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Metrics;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Reliability.Tests.ErrorCatalogue;

/// <summary>The rows of docs/errors.md that no other test covered: each bad input gets its specific exception and message.</summary>
public sealed class BadInputTests
{
    [Fact]
    public void Decode_CorruptJpegHeader_ThrowsImageDecodeException()
    {
        byte[] jpeg = Encode(new JpegEncoder());
        int sof = IndexOfMarker(jpeg, 0xC0);
        jpeg[sof + 4] = 0; // SOF0 sample precision: 0 bits
        jpeg[sof + 9] = 9; // 9 colour components
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(jpeg, "corrupt.jpg"));
        Assert.StartsWith("corrupt.jpg: expected", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_CorruptBmpHeader_ThrowsImageDecodeException()
    {
        byte[] bmp = Encode(new BmpEncoder());
        bmp[28] = 7; // 7 bits per pixel does not exist
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(bmp, "corrupt.bmp"));
        Assert.StartsWith("corrupt.bmp: expected", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PngDeclaringZeroWidth_ThrowsImageDecodeException()
    {
        byte[] png = Encode(new PngEncoder());
        png[16] = 0; png[17] = 0; png[18] = 0; png[19] = 0;
        WritePngChunkCrc(png, 8);
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(png, "zero.png"));
        Assert.StartsWith("zero.png: expected", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 0)]
    [InlineData(ImageBuffer.MaxDimension + 1, 1)]
    public void ImageBuffer_ZeroOrHugeSide_ThrowsArgumentOutOfRange(int width, int height)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ImageBuffer(new byte[30], width, height, PixelFormat.Rgb24));
        Assert.StartsWith("Expected an image", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImageBuffer_UndefinedPixelFormat_ThrowsArgumentOutOfRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ImageBuffer(new byte[30], 2, 2, (PixelFormat)42));
        Assert.Contains("Expected one of Rgb24, Bgr24, Rgba32, Bgra32, Gray8; got 42", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImageBuffer_TooFewBytes_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ImageBuffer(new byte[10], 4, 4, PixelFormat.Rgb24));
        Assert.Contains("Expected at least 48 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Segment_OnePixelImage_GivesOnePixelMask()
    {
        using SamOnnxModel model = SamOnnxModel.Load(ReliabilityFixtures.Model("sam-tiny"));
        SegmentationResult r = model.Segment(ImageBuffer.FromRgb24(new byte[] { 120, 80, 60 }, 1, 1), SegmentationPrompt.FromPoint(0.5f, 0.5f));
        Assert.Equal((1, 1), (r.Mask.Width, r.Mask.Height));
        Assert.True(float.IsFinite(r.PredictedIou));
    }

    [Theory]
    [InlineData(float.NegativeInfinity, 1f, "Expected finite coordinates for point 0")]
    [InlineData(3e38f, 1f, "Expected point 0 inside the 100x80 image")]
    [InlineData(1f, -0.5f, "Expected point 0 inside the 100x80 image")]
    public void Validate_HugeNegativeOrInfinitePoint_ThrowsInvalidPrompt(float x, float y, string message)
    {
        var ex = Assert.Throws<InvalidPromptException>(() => SegmentationPrompt.FromPoint(x, y).Validate(100, 80));
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BoxWithNaN_ThrowsInvalidPrompt()
    {
        var ex = Assert.Throws<InvalidPromptException>(() => SegmentationPrompt.FromBox(float.NaN, 0, 10, 10).Validate(100, 80));
        Assert.StartsWith("Expected finite box coordinates; got [NaN, 0, 10, 10]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_MaskInputOfWrongSize_ThrowsInvalidPrompt()
    {
        using SamOnnxModel model = SamOnnxModel.Load(ReliabilityFixtures.Model("sam-tiny"));
        using ImageEmbedding e = model.Encode(ReliabilityFixtures.SyntheticImage(40, 30, 1));
        SegmentationPrompt prompt = SegmentationPrompt.FromPoint(10, 10).WithMaskInput(new float[64 * 64]);
        var ex = Assert.Throws<InvalidPromptException>(() => model.Decode(e, prompt));
        Assert.Equal("Expected a mask input of 256x256 = 65536 logits; got 4096.", ex.Message);
    }

    [Fact]
    public void Metrics_MasksOfDifferentSize_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => SegmentationMetrics.Compute(20, 10, new byte[200], new byte[150]));
        Assert.StartsWith("Expected width * height = 20 x 10 = 200 bytes in the ground-truth mask; got 150.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PathIsAFile_ThrowsModelLoadException()
    {
        string file = Path.Combine(ReliabilityFixtures.Model("sam-tiny"), "model.json");
        var ex = Assert.Throws<ModelLoadException>(() => SamOnnxModel.Load(file));
        Assert.StartsWith("Expected a model folder; got the file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PointOnModelDisposedWithEmbeddingAlive_ThrowsObjectDisposed()
    {
        SamOnnxModel model = SamOnnxModel.Load(ReliabilityFixtures.Model("sam-tiny"));
        using ImageEmbedding e = model.Encode(ReliabilityFixtures.SyntheticImage(40, 30, 2));
        model.Dispose();
        var ex = Assert.Throws<ObjectDisposedException>(() => model.Decode(e, SegmentationPrompt.FromPoint(10, 10)));
        Assert.Contains("Model 'sam-tiny' was disposed.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SaveOverlay_MaskOfOtherSize_ThrowsArgumentException()
    {
        string path = Path.Combine(Path.GetTempPath(), $"overlay-{Guid.NewGuid():N}.png");
        var ex = Assert.Throws<ArgumentException>(() => MaskImage.SaveOverlay(ReliabilityFixtures.SyntheticImage(40, 30, 3), new BinaryMask(30, 40), path));
        Assert.StartsWith("Expected a mask of the image's size 40x30; got 30x40.", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    private static byte[] Encode(SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        using var image = new Image<Rgb24>(16, 12, new Rgb24(200, 120, 90));
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }

    private static int IndexOfMarker(byte[] jpeg, byte marker)
    {
        for (int i = 2; i < jpeg.Length - 1; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker)
            {
                return i;
            }
        }

        throw new InvalidDataException($"Expected marker FF{marker:X2} in the JPEG; got none.");
    }

    /// <summary>Recomputes the CRC of the PNG chunk whose length field starts at <paramref name="offset"/>.</summary>
    private static void WritePngChunkCrc(byte[] png, int offset)
    {
        int length = (png[offset] << 24) | (png[offset + 1] << 16) | (png[offset + 2] << 8) | png[offset + 3];
        uint crc = 0xFFFFFFFF;
        foreach (byte b in png.AsSpan(offset + 4, length + 4))
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        crc ^= 0xFFFFFFFF;
        int at = offset + 8 + length;
        png[at] = (byte)(crc >> 24); png[at + 1] = (byte)(crc >> 16); png[at + 2] = (byte)(crc >> 8); png[at + 3] = (byte)crc;
    }
}
