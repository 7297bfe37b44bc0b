using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Preprocessing;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Tests.Onnx;

/// <summary>
/// A sam-profile model with a smaller encoder frame (model.json inputSize 256): the real SkinSAM-Tiny weights exported
/// at 256 (models/skinsam-tiny-256) beside the same weights at 1024 (models/skinsam-tiny).
/// </summary>
public sealed class SamProfileInputSizeTests
{
    private static string Model(string name) => Path.Combine(AppContext.BaseDirectory, "models", name);

    [Fact]
    public void CreateFrame_InputSize256_ResizesTheLongSideTo256()
    {
        ImageFrame frame = SamProfile.ForInputSize(256).CreateFrame(600, 450);

        Assert.Equal(new ImageFrame(600, 450, 256, 192, 256, 256), frame);
        Assert.Equal(192 / 450.0, SamProfile.ForInputSize(256).PromptScale(frame).ScaleY);
        Assert.Same(SamProfile.Instance, SamProfile.ForInputSize(1024));
        Assert.Same(SamProfile.ForInputSize(256), ModelProfile.For(PreprocessingProfile.Sam, 256));
    }

    [Fact]
    public void Preprocess_InputSize256_WritesA256Tensor()
    {
        ImageBuffer image = Fixtures.LoadRgb(Fixtures.Image("ham10000-ISIC_0031023"));
        var destination = new float[ModelProfile.FrameLength];

        EncoderInput input = SamProfile.ForInputSize(256).Preprocess(image, EncoderVariant.ImageNchw, destination);

        Assert.Equal([1L, 3, 256, 256], input.Shape);
        Assert.Equal(3 * 256 * 256, input.Length);
        Assert.Equal(new ImageFrame(200, 150, 256, 192, 256, 256), input.Frame);
        Assert.Equal(0f, destination[(255 * 256) + 10]); // row 255 is padding (the image fills rows 0..191)
        Assert.NotEqual(0f, destination[(100 * 256) + 10]);
    }

    [Fact]
    public void Load_SkinSamTiny256_EncodesInTheSmallFrame()
    {
        using SamOnnxModel model = SamOnnxModel.Load(Model("skinsam-tiny-256"));
        ImageBuffer image = Fixtures.LoadRgb(Fixtures.Image("ham10000-ISIC_0031023"));

        using ImageEmbedding embedding = model.Encode(image);

        Assert.Equal(256, model.Info.Manifest.InputSize);
        Assert.Equal(new ImageFrame(200, 150, 256, 192, 256, 256), embedding.Frame);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Segment_SameWeightsAt256And1024_AgreeOnAlmostEveryPixel(bool withBox)
    {
        // not bit-identical: PIL bilinear straight to 256 against PIL bilinear to 1024 pooled 4 x 4, and the masks
        // go 256 -> crop -> (h, w) instead of 256 -> 1024 -> crop -> (h, w)
        using SamOnnxModel small = SamOnnxModel.Load(Model("skinsam-tiny-256"));
        using SamOnnxModel full = SamOnnxModel.Load(Model("skinsam-tiny"));
        ImageBuffer image = Fixtures.LoadRgb(Fixtures.Image("ham10000-ISIC_0031023"));
        SegmentationPrompt prompt = withBox ? SegmentationPrompt.FromBox(40, 25, 170, 135) : SegmentationPrompt.None;

        SegmentationResult a = small.Segment(image, prompt);
        SegmentationResult b = full.Segment(image, prompt);

        Assert.Equal(a.MaskIndex, b.MaskIndex);
        Assert.InRange(a.Area, 1, (200 * 150) - 1);
        int differ = 0;
        for (int i = 0; i < a.Mask.Data.Length; i++)
        {
            differ += a.Mask.Data[i] != b.Mask.Data[i] ? 1 : 0;
        }

        Assert.True(differ <= a.Area / 50, $"expected at most 2 % of the mask's {a.Area} pixels to differ; got {differ}");
        Assert.InRange(a.PredictedIou - b.PredictedIou, -0.02f, 0.02f);
    }

    [Fact]
    public void Load_InputSizeNotTheEncoders_NamesTheExpectedShape()
    {
        string dir = SamOnnxModelLoadTests.CopyFixture("sam-tiny");
        File.WriteAllText(Path.Combine(dir, "model.json"), """{ "inputSize": 256 }""");

        var ex = Assert.Throws<ModelContractException>(() => SamOnnxModel.Load(dir));

        Assert.Contains("[1,3,256,256]", ex.Message.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_LowResOnlyDecoderWithASmallFrame_UpsamplesThroughThatFrame()
    {
        // a low-res-only decoder gives the SDK only the 256 x 256 logits: for a 256 frame the mask is their crop to
        // the resized image, resized once to (h, w), as the exporter's graph for that frame does it
        string dir = SamOnnxModelLoadTests.CopyFixture("sam-tiny-lowres");
        File.Copy(Path.Combine(Model("skinsam-tiny-256"), "encoder.onnx"), Path.Combine(dir, "encoder.onnx"), overwrite: true);
        File.WriteAllText(Path.Combine(dir, "model.json"), """{ "inputSize": 256 }""");
        using SamOnnxModel model = SamOnnxModel.Load(dir);
        ImageBuffer image = Fixtures.LoadRgb(Fixtures.Image("ham10000-ISIC_0031023"));

        SegmentationResult result = model.Segment(image, SegmentationPrompt.FromBox(40, 25, 170, 135), new DecodeOptions { ReturnLogits = true });

        float[] low = result.LowResLogits!;
        (int rw, int rh) = SamPreprocessor.GetResizedSize(image.Width, image.Height, 256);
        var cropped = new float[rw * rh];
        for (int y = 0; y < rh; y++)
        {
            low.AsSpan(y * 256, rw).CopyTo(cropped.AsSpan(y * rw, rw));
        }

        var expected = new float[image.Width * image.Height];
        SkinSam.Sdk.Postprocessing.MaskLogitUpsampler.ResizeBilinear(cropped, rw, rh, expected, image.Width, image.Height);
        Assert.Equal(expected, result.Logits!);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i] > 0f, result.Mask.Data[i] != 0);
        }
    }
}
