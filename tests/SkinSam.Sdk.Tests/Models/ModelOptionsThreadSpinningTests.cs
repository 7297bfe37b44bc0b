using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Tests.Models;

/// <summary><see cref="ModelOptions.AllowThreadSpinning"/>: a scheduling choice of ONNX Runtime's threads, never a change of result.</summary>
public sealed class ModelOptionsThreadSpinningTests
{
    [Fact]
    public void AllowThreadSpinning_Default_IsOnAsOnnxRuntimesDefault() => Assert.True(new ModelOptions().AllowThreadSpinning);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Segment_SpinningOff_SameMaskScoreAndLogitsAsSpinningOn(int intraOpThreads)
    {
        ImageBuffer image = Fixtures.LoadRgb(Fixtures.Images.First());
        SegmentationPrompt prompt = SegmentationPrompt.FromBox(image.Width * 0.2f, image.Height * 0.2f, image.Width * 0.8f, image.Height * 0.8f);
        var decode = new DecodeOptions { ReturnLogits = true };
        using ISegmentationModel spinning = SegmentationModels.Load(Fixtures.Model("sam-tiny"), new ModelOptions { IntraOpThreads = intraOpThreads });
        using ISegmentationModel sleeping = SegmentationModels.Load(Fixtures.Model("sam-tiny"), new ModelOptions { IntraOpThreads = intraOpThreads, AllowThreadSpinning = false });

        SegmentationResult expected = spinning.Segment(image, prompt, decode);
        SegmentationResult actual = sleeping.Segment(image, prompt, decode);

        Assert.Equal(expected.Mask.Data.ToArray(), actual.Mask.Data.ToArray());
        Assert.Equal(expected.PredictedIou, actual.PredictedIou);
        Assert.Equal(expected.Logits!, actual.Logits!);
        Assert.True(actual.Area > 0, "expected a non-empty mask for a box over the middle of the image");
    }
}
