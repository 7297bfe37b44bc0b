using FsCheck;
using FsCheck.Xunit;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Tests.Prompts;

public sealed class SegmentationPromptTests
{
    [Property(MaxTest = 2000)]
    public bool Validate_PointInsideImage_Accepts(PositiveInt w, PositiveInt h, NormalFloat fx, NormalFloat fy)
    {
        int width = (w.Get % 4096) + 1, height = (h.Get % 4096) + 1;
        float x = (float)(Math.Abs(fx.Get) % 1.0) * width;
        float y = (float)(Math.Abs(fy.Get) % 1.0) * height;
        SegmentationPrompt.FromPoint(x, y).Validate(width, height);
        return true;
    }

    [Property(MaxTest = 2000)]
    public bool Validate_PointOutsideImage_Throws(PositiveInt w, PositiveInt h, PositiveInt dx)
    {
        int width = (w.Get % 4096) + 1, height = (h.Get % 4096) + 1;
        float x = width + (dx.Get % 1000) + 0.5f;
        try
        {
            SegmentationPrompt.FromPoint(x, 0).Validate(width, height);
            return false;
        }
        catch (InvalidPromptException ex)
        {
            return ex.Message.Contains($"inside the {width}x{height} image", StringComparison.Ordinal);
        }
    }

    [Property(MaxTest = 2000)]
    public bool Validate_ArbitraryBox_AcceptsExactlyOrderedBoxesInside(float x0, float y0, float x1, float y1)
    {
        const int W = 640, H = 480;
        bool valid = float.IsFinite(x0) && float.IsFinite(y0) && float.IsFinite(x1) && float.IsFinite(y1)
            && x0 < x1 && y0 < y1 && x0 >= 0 && y0 >= 0 && x1 <= W && y1 <= H;
        try
        {
            SegmentationPrompt.FromBox(x0, y0, x1, y1).Validate(W, H);
            return valid;
        }
        catch (InvalidPromptException ex)
        {
            return !valid && ex.Message.StartsWith("Expected", StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(float.NaN, 1f, "Expected finite coordinates")]
    [InlineData(1f, float.PositiveInfinity, "Expected finite coordinates")]
    [InlineData(-1f, 1f, "inside the 100x80 image")]
    public void Validate_BadPoint_ThrowsWithMessage(float x, float y, string message)
    {
        var ex = Assert.Throws<InvalidPromptException>(() => SegmentationPrompt.FromPoint(x, y).Validate(100, 80));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(50, 10, 20, 40, "inverted")]
    [InlineData(10, 10, 10, 40, "empty")]
    [InlineData(10, 10, 120, 40, "Expected a box inside the 100x80 image")]
    public void Validate_BadBox_ThrowsWithMessage(float x0, float y0, float x1, float y1, string message)
    {
        var ex = Assert.Throws<InvalidPromptException>(() => SegmentationPrompt.FromBox(x0, y0, x1, y1).Validate(100, 80));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MaskInputOfWrongSize_Throws()
    {
        var ex = Assert.Throws<InvalidPromptException>(() => SegmentationPrompt.FromPoint(1, 1).WithMaskInput(new float[100]).Validate(10, 10));
        Assert.Contains("256x256 = 65536 logits; got 100", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UndefinedLabel_Throws()
    {
        var ex = Assert.Throws<InvalidPromptException>(() => SegmentationPrompt.FromPoint(1, 1, (PointLabel)7).Validate(10, 10));
        Assert.Contains("got label 7", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsEmpty_OnlyForNoPointNoBoxNoMask()
    {
        Assert.True(SegmentationPrompt.None.IsEmpty);
        Assert.False(SegmentationPrompt.FromPoint(1, 1).IsEmpty);
        Assert.False(SegmentationPrompt.FromBox(0, 0, 1, 1).IsEmpty);
        Assert.False(SegmentationPrompt.None.WithMaskInput(new float[65536]).IsEmpty);
    }

    [Fact]
    public void Validate_NullPoints_ThrowsInvalidPrompt()
    {
        var prompt = new SegmentationPrompt { Points = null! };
        var ex = Assert.Throws<InvalidPromptException>(() => prompt.Validate(100, 80));
        Assert.Equal("Expected a list of points (empty for none); got null Points.", ex.Message);
    }

    [Fact]
    public void IsEmpty_NullPoints_IsTrueWithoutThrowing()
    {
        Assert.True(new SegmentationPrompt { Points = null! }.IsEmpty);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Validate_NonFiniteMaskInput_ThrowsInvalidPromptNamingIndex(float bad)
    {
        var logits = new float[256 * 256];
        logits[300] = bad;
        logits[70000 % logits.Length] = bad;
        var ex = Assert.Throws<InvalidPromptException>(() => SegmentationPrompt.FromPoint(1, 1).WithMaskInput(logits).Validate(100, 80));
        Assert.Equal($"Expected finite mask input logits; got {bad} at index 300 (row 1, column 44), 2 non-finite of 65536.", ex.Message);
    }

    [Fact]
    public void Validate_MorePointsThanTheMaximum_ThrowsNamingMaximumAndCount()
    {
        PromptPoint[] points = [.. Enumerable.Range(0, SegmentationPrompt.MaxPoints + 1).Select(i => new PromptPoint(i % 100, i % 80))];
        var ex = Assert.Throws<InvalidPromptException>(() => SegmentationPrompt.FromPoints(points).Validate(100, 80));
        Assert.Equal("Expected at most 1024 points (SegmentationPrompt.MaxPoints); got 1025.", ex.Message);
        SegmentationPrompt.FromPoints(points[..SegmentationPrompt.MaxPoints]).Validate(100, 80);
    }
}
