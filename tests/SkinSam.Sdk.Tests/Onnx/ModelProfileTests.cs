using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Preprocessing;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Tests.Onnx;

public sealed class ModelProfileTests
{
    [Theory]
    [InlineData(PreprocessingProfile.Sam, "sam", MaskSelection.OfficialOnnx)]
    [InlineData(PreprocessingProfile.MedSam, "medsam", MaskSelection.PredictorFirstMask)]
    public void For_EachManifestProfile_NamesItsRecipe(PreprocessingProfile kind, string name, MaskSelection selection)
    {
        ModelProfile profile = ModelProfile.For(kind);
        Assert.Equal(kind, profile.Kind);
        Assert.Equal(name, profile.Name);
        Assert.Equal(selection, profile.DefaultSelection);
    }

    [Fact]
    public void For_UndefinedProfile_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelProfile.For((PreprocessingProfile)7));
    }

    [Fact]
    public void Thresholds_Sam_AreLogitsAroundTheManifestThreshold()
    {
        Assert.Equal(new MaskThresholds(0f, -1f, 1f), SamProfile.Instance.Thresholds(0f, 1f));
        Assert.Equal(new MaskThresholds(0.25f, -0.75f, 1.25f), SamProfile.Instance.Thresholds(0.25f, 1f));
    }

    [Fact]
    public void Thresholds_MedSam_AreTheSigmoidOfTheLogitThresholds()
    {
        MaskThresholds t = MedSamProfile.Instance.Thresholds(0f, 1f);
        Assert.Equal(0.5f, t.Mask);
        Assert.Equal((float)(1 / (1 + Math.Exp(1.0))), t.StabilityLow);
        Assert.Equal((float)(1 / (1 + Math.Exp(-1.0))), t.StabilityHigh);
    }

    [Fact]
    public void CreateFrame_SamKeepsTheAspectRatio_MedSamStretchesToTheSquare()
    {
        ImageFrame sam = SamProfile.Instance.CreateFrame(600, 450);
        ImageFrame medSam = MedSamProfile.Instance.CreateFrame(600, 450);

        Assert.Equal(new ImageFrame(600, 450, 1024, 768, 1024, 256), sam);
        Assert.Equal(new ImageFrame(600, 450, 1024, 1024, 1024, 256), medSam);
        Assert.Equal((1024 / 600.0, 1024 / 450.0), MedSamProfile.Instance.PromptScale(medSam));
        Assert.Equal(768 / 450.0, SamProfile.Instance.PromptScale(sam).ScaleY);
    }

    [Fact]
    public void Encode_EmbeddingHoldsTheProfileFrame()
    {
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
        ImageBuffer image = Fixtures.LoadRgb(Fixtures.Images.First());
        using ImageEmbedding embedding = model.Encode(image);

        Assert.Equal(SamProfile.Instance.CreateFrame(image.Width, image.Height), embedding.Frame);
        Assert.Equal(embedding.Frame.ResizedWidth, embedding.ResizedWidth);
    }

    [Fact]
    public void UnfetchedMasksSize_IsOneRowOfTheFrame()
    {
        // (h, w) = (1, 1024): the graph's crop of it is itself, so its unfetched 'masks' output is K x 1024 floats.
        Assert.Equal([1f, 1024f], SamContract.UnfetchedMasksSize);
    }

    [Fact]
    public void Decode_SamFixtureDefaultOptions_ResolvesToOfficialOnnx()
    {
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
        using ImageEmbedding embedding = model.Encode(Fixtures.LoadRgb(Fixtures.Images.First()));

        SegmentationResult r = model.Decode(embedding, SegmentationPrompt.FromBox(40, 30, 160, 120));

        Assert.Equal(MaskSelection.OfficialOnnx, model.Info.DefaultSelection);
        Assert.Equal(MaskSelection.OfficialOnnx, r.Selection);
        Assert.NotEqual(0, r.MaskIndex); // a box alone is N = 2 rows: the official rule skips mask 0
    }

    [Fact]
    public void SelectMask_UnresolvedModelDefault_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SamOnnxModel.SelectMask([0.1f, 0.9f], 2, MaskSelection.ModelDefault));
    }
}
