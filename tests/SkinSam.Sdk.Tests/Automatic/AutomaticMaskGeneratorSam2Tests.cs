using SkinSam.Sdk.Automatic;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;
using SkinSam.Sdk.Tests.Onnx;

namespace SkinSam.Sdk.Tests.Automatic;

/// <summary>The automatic mask generator on a SAM 2.1 model: it takes the multimask tokens 1..3, as SAM2AutomaticMaskGenerator does.</summary>
public sealed class AutomaticMaskGeneratorSam2Tests : IDisposable
{
    private readonly ISegmentationModel _model = SegmentationModels.Load(Sam2Goldens.ModelFolder);

    public void Dispose() => _model.Dispose();

    [Fact]
    public void Generate_Sam2Model_EveryMaskIsAMultimaskTokenOfItsPoint()
    {
        ImageBuffer image = Sam2Goldens.LoadImage(Sam2Goldens.Image("ISIC_0031023"));
        var options = new AutomaticMaskGeneratorOptions { PointsPerSide = 2, PredIouThresh = 0, StabilityScoreThresh = 0, BoxNmsThresh = 1.0 };

        IReadOnlyList<GeneratedMask> masks = new AutomaticMaskGenerator(_model, options).Generate(image);

        Assert.NotEmpty(masks);
        using ImageEmbedding embedding = _model.Encode(image);
        foreach (GeneratedMask m in masks)
        {
            SegmentationResult r = _model.Decode(embedding, SegmentationPrompt.FromPoint((float)m.PointX, (float)m.PointY), new DecodeOptions { MultimaskOutput = true });
            Assert.Contains(r.Candidates.Where(c => c.Index >= 1), c => c.Mask.Data.SequenceEqual(m.Mask!.Data) && c.PredictedIou == m.PredictedIou);
            Assert.Equal(m.Mask!.Area, m.Area);
        }
    }
}
