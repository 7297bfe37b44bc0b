using SkinSam.Sdk.Evaluation.Baselines;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Evaluation.Tests.Baselines;

public sealed class ShapeBaselineModelTests
{
    [Fact]
    public void Ellipse_LargeBox_AreaIsPiOver4OfTheBox()
    {
        using var model = new ShapeBaselineModel(BaselineShape.Ellipse);
        using ImageEmbedding embedding = model.CreateEmbedding(640, 480);

        SegmentationResult result = model.Decode(embedding, SegmentationPrompt.FromBox(100, 50, 500, 350));

        double expected = Math.PI / 4 * 400 * 300;
        Assert.InRange(result.Area, expected * 0.995, expected * 1.005);
        Assert.Equal(new PixelRect(100, 50, 400, 300), result.BoundingBox);
    }

    [Fact]
    public void Box_TightIntegerBox_FillsExactlyThosepixels()
    {
        using var model = new ShapeBaselineModel(BaselineShape.Box);
        using ImageEmbedding embedding = model.CreateEmbedding(20, 10);

        BinaryMask mask = model.Decode(embedding, SegmentationPrompt.FromBox(new PixelRect(3, 2, 5, 4))).Mask;

        Assert.Equal(20, mask.Area);
        Assert.Equal(new PixelRect(3, 2, 5, 4), mask.BoundingBox);
    }

    [Fact]
    public void Ellipse_BoxInsideEllipseMask_IsContainedInTheBox()
    {
        using var model = new ShapeBaselineModel(BaselineShape.Ellipse);
        using ImageEmbedding embedding = model.CreateEmbedding(50, 40);

        BinaryMask ellipse = model.Decode(embedding, SegmentationPrompt.FromBox(4.3f, 5.7f, 33.2f, 21.9f)).Mask;
        BinaryMask box = new ShapeBaselineModel(BaselineShape.Box).Segment(new SkinSam.Sdk.Imaging.ImageBuffer(new byte[50 * 40 * 3], 50, 40, SkinSam.Sdk.Imaging.PixelFormat.Rgb24), SegmentationPrompt.FromBox(4.3f, 5.7f, 33.2f, 21.9f)).Mask;

        for (int i = 0; i < ellipse.Data.Length; i++)
        {
            Assert.True(ellipse.Data[i] <= box.Data[i]);
        }

        Assert.True(ellipse.Area < box.Area);
    }

    [Fact]
    public void Decode_PointPrompt_ThrowsInvalidPromptException()
    {
        using var model = ShapeBaselineModel.Parse("ellipse");
        using ImageEmbedding embedding = model.CreateEmbedding(20, 10);

        var ex = Assert.Throws<InvalidPromptException>(() => model.Decode(embedding, SegmentationPrompt.FromPoint(3, 3)));
        Assert.Contains("box", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidPromptException>(() => model.Decode(embedding, SegmentationPrompt.None));
    }

    [Fact]
    public void Decode_BoxOutsideImage_ThrowsInvalidPromptException()
    {
        using var model = ShapeBaselineModel.Parse("box");
        using ImageEmbedding embedding = model.CreateEmbedding(20, 10);

        Assert.Throws<InvalidPromptException>(() => model.Decode(embedding, SegmentationPrompt.FromBox(0, 0, 21, 5)));
    }

    [Fact]
    public void Decode_EmbeddingOfAnotherModel_ThrowsArgumentException()
    {
        using var a = new ShapeBaselineModel(BaselineShape.Box);
        using var b = new ShapeBaselineModel(BaselineShape.Ellipse);
        using ImageEmbedding embedding = a.CreateEmbedding(20, 10);

        var ex = Assert.Throws<ArgumentException>(() => b.Decode(embedding, SegmentationPrompt.FromBox(1, 1, 5, 5)));
        Assert.Contains("'baseline-box'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'baseline-ellipse'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_EmbeddingOfAnotherInstanceOfTheSameBaseline_Decodes()
    {
        using var a = new ShapeBaselineModel(BaselineShape.Box);
        using var b = new ShapeBaselineModel(BaselineShape.Box);
        using ImageEmbedding embedding = a.CreateEmbedding(20, 10);

        Assert.Equal(16, b.Decode(embedding, SegmentationPrompt.FromBox(1, 1, 5, 5)).Area);
    }

    [Fact]
    public void Parse_UnknownBaseline_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => ShapeBaselineModel.Parse("circle"));
        Assert.Equal("baseline-ellipse", ShapeBaselineModel.Parse("Ellipse").Info.Name);
    }
}
