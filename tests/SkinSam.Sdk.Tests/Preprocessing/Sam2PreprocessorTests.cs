using System.Text.Json;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Preprocessing;
using SkinSam.Sdk.Tests.Onnx;

namespace SkinSam.Sdk.Tests.Preprocessing;

/// <summary>
/// Sam2Preprocessor against SAM2Transforms as the reference runs it (torch 1.13: /255, F.interpolate bilinear with
/// antialias, ImageNet mean/std): three whole rows per channel and sampled values, for an upscaled image, a downscaled
/// one (where the antialiasing matters) and a portrait one.
/// </summary>
public sealed class Sam2PreprocessorTests
{
    public static TheoryData<string> ImageIds() => Sam2Goldens.ImageIds();

    [Theory]
    [MemberData(nameof(ImageIds))]
    public void Preprocess_GoldenImage_MatchesPyTorchRows(string imageId)
    {
        JsonElement image = Sam2Goldens.Image(imageId);
        JsonElement golden = image.GetProperty("preprocessed");
        var preprocessor = new Sam2Preprocessor();
        var tensor = new float[preprocessor.TensorLength];

        preprocessor.Preprocess(Sam2Goldens.LoadImage(image), tensor);

        byte[] rowsFile = File.ReadAllBytes(Path.Combine(Sam2Goldens.DataFolder, golden.GetProperty("rowsFile").GetString()!));
        int[] rows = [.. golden.GetProperty("rows").EnumerateArray().Select(r => r.GetInt32())];
        float[] reference = new float[rowsFile.Length / 4];
        Buffer.BlockCopy(rowsFile, 0, reference, 0, rowsFile.Length);
        Assert.Equal(3 * rows.Length * 1024, reference.Length);
        double worst = 0;
        for (int c = 0; c < 3; c++)
        {
            for (int r = 0; r < rows.Length; r++)
            {
                for (int x = 0; x < 1024; x++)
                {
                    float expected = reference[(((c * rows.Length) + r) * 1024) + x];
                    float actual = tensor[(((c * 1024) + rows[r]) * 1024) + x];
                    worst = Math.Max(worst, Math.Abs(expected - actual));
                }
            }
        }

        Assert.True(worst <= 2e-6, $"{imageId}: max |diff| over the golden rows {worst:E2}");
        Sam2Goldens.AssertTensorMatches(golden, [1, 3, 1024, 1024], tensor, 2e-6, imageId);
    }

    [Fact]
    public void Preprocess_SameImageInBgraAndRgb_GivesTheSameTensor()
    {
        byte[] rgb = SyntheticImage.Create(61, 47, 3);
        byte[] bgra = new byte[61 * 47 * 4];
        for (int i = 0; i < 61 * 47; i++)
        {
            bgra[(i * 4) + 0] = rgb[(i * 3) + 2];
            bgra[(i * 4) + 1] = rgb[(i * 3) + 1];
            bgra[(i * 4) + 2] = rgb[i * 3];
            bgra[(i * 4) + 3] = 255;
        }

        var preprocessor = new Sam2Preprocessor(64);
        var a = new float[preprocessor.TensorLength];
        var b = new float[preprocessor.TensorLength];
        preprocessor.Preprocess(ImageBuffer.FromRgb24(rgb, 61, 47), a);
        preprocessor.Preprocess(new ImageBuffer(bgra, 61, 47, PixelFormat.Bgra32), b);

        Assert.Equal(a, b);
    }

    [Fact]
    public void Preprocess_UniformImage_IsTheNormalisedValueEverywhere()
    {
        byte[] rgb = new byte[5 * 3 * 3];
        for (int i = 0; i < 15; i++)
        {
            rgb[i * 3] = 200;
            rgb[(i * 3) + 1] = 100;
            rgb[(i * 3) + 2] = 0;
        }

        var preprocessor = new Sam2Preprocessor(16);
        var tensor = new float[preprocessor.TensorLength];
        preprocessor.Preprocess(ImageBuffer.FromRgb24(rgb, 5, 3), tensor);

        // Normalised weights sum to 1 up to float rounding, so a flat image stays flat within a few ulps.
        Assert.All(tensor.AsSpan(0, 256).ToArray(), v => Assert.Equal(((200 / 255f) - 0.485f) / 0.229f, v, 1e-5f));
        Assert.All(tensor.AsSpan(256, 256).ToArray(), v => Assert.Equal(((100 / 255f) - 0.456f) / 0.224f, v, 1e-5f));
        Assert.All(tensor.AsSpan(512, 256).ToArray(), v => Assert.Equal((0f - 0.406f) / 0.225f, v, 1e-5f));
    }

    [Fact]
    public void Preprocess_WrongDestinationLength_ThrowsArgumentException()
    {
        var preprocessor = new Sam2Preprocessor(8);
        var ex = Assert.Throws<ArgumentException>(() => preprocessor.Preprocess(ImageBuffer.FromRgb24(new byte[12], 2, 2), new float[10]));
        Assert.Contains("Expected a destination of 1 x 3 x 8 x 8 = 192 floats; got 10", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Preprocess_EmptyImage_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Sam2Preprocessor(8).Preprocess(default, new float[192]));
        Assert.Contains("Expected an image of at least 1 x 1 pixels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TargetSizeZero_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sam2Preprocessor(0));
}
