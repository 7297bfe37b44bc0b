using SkinSam.Sdk.Evaluation.Prompts;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Evaluation.Tests.Prompts;

/// <summary>
/// The two box conventions: the SDK's [x_min, y_min, x_max + 1, y_max + 1] (box, box-jitter, the default) and SAM's and
/// MedSAM's [x_min, y_min, x_max, y_max] (box-sam, box-jitter-sam), checked against a scan of the mask's pixels the way
/// the Python references do it (np.where(gt > 0), then min and max of each axis).
/// </summary>
public sealed class PromptStrategyBoxConventionTests
{
    private static BinaryMask Blob(int seed, int width = 200, int height = 150)
    {
        var random = new Random(seed);
        var mask = new BinaryMask(width, height);
        double cx = random.Next(40, width - 40), cy = random.Next(30, height - 30), rx = random.Next(8, 35), ry = random.Next(6, 25);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double dx = (x - cx) / rx, dy = (y - cy) / ry;
                mask[x, y] = (dx * dx) + (dy * dy) <= 1 + (0.3 * Math.Sin(x * 0.7 + seed));
            }
        }

        return mask;
    }

    private static (int MinX, int MinY, int MaxX, int MaxY) ScanExtremes(BinaryMask mask)
    {
        (int minX, int minY, int maxX, int maxY) = (int.MaxValue, int.MaxValue, -1, -1);
        for (int y = 0; y < mask.Height; y++)
        {
            for (int x = 0; x < mask.Width; x++)
            {
                if (mask[x, y])
                {
                    (minX, minY, maxX, maxY) = (Math.Min(minX, x), Math.Min(minY, y), Math.Max(maxX, x), Math.Max(maxY, y));
                }
            }
        }

        return (minX, minY, maxX, maxY);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Create_BothConventions_MatchTheirDefinitions(int seed)
    {
        BinaryMask mask = Blob(seed);
        (int minX, int minY, int maxX, int maxY) = ScanExtremes(mask);

        Assert.Equal(new PromptBox(minX, minY, maxX + 1, maxY + 1), PromptStrategy.Box.Create(mask, "x").Box);
        Assert.Equal(new PromptBox(minX, minY, maxX, maxY), PromptStrategy.SamBox.Create(mask, "x").Box);
        Assert.Equal(BoxConvention.PixelEdges, PromptStrategy.Parse("box").BoxConvention);
    }

    [Theory]
    [InlineData("box-sam", BoxConvention.PixelIndices, PromptStrategyKind.Box)]
    [InlineData("box-jitter-sam", BoxConvention.PixelIndices, PromptStrategyKind.BoxJitter)]
    [InlineData("Box-Jitter", BoxConvention.PixelEdges, PromptStrategyKind.BoxJitter)]
    public void Parse_ConventionNames_RoundTrip(string text, BoxConvention convention, PromptStrategyKind kind)
    {
        PromptStrategy s = PromptStrategy.Parse(text, 3);
        Assert.Equal((convention, kind, text.ToLowerInvariant()), (s.BoxConvention, s.Kind, s.Name));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Create_JitterSam_IsTheSameDrawOneSmallerOnRightAndBottom(int seed)
    {
        BinaryMask mask = Blob(seed);
        PromptBox edges = PromptStrategy.BoxJitter(9).Create(mask, "ISIC_0000001").Box!.Value;
        PromptBox indices = PromptStrategy.BoxJitter(9, BoxConvention.PixelIndices).Create(mask, "ISIC_0000001").Box!.Value;

        Assert.Equal((edges.X0, edges.Y0), (indices.X0, indices.Y0));
        Assert.Equal(edges.X1 == mask.Width ? mask.Width : edges.X1 - 1, indices.X1, 4);
        Assert.Equal(edges.Y1 == mask.Height ? mask.Height : edges.Y1 - 1, indices.Y1, 4);
    }

    [Fact]
    public void Create_SamBoxOfAOnePixelWideLesion_ThrowsNamingTheOtherConvention()
    {
        var mask = new BinaryMask(20, 20);
        mask[5, 3] = true;
        mask[5, 9] = true;

        var ex = Assert.Throws<ArgumentException>(() => PromptStrategy.SamBox.Create(mask, "thin"));
        Assert.Contains("got a 1x7 bounding box", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Use 'box'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new PromptBox(5, 3, 6, 10), PromptStrategy.Box.Create(mask, "thin").Box);
    }

    [Fact]
    public void BoxJitter_UndefinedConvention_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PromptStrategy.BoxJitter(1, (BoxConvention)7));
}
