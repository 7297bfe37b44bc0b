using SkinSam.Sdk.Automatic;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Tests.Automatic;

public sealed class AutomaticMaskGeneratorTests : IDisposable
{
    private readonly SamOnnxModel _model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));

    public void Dispose() => _model.Dispose();

    private static AutomaticMaskGeneratorOptions Small => new() { PointsPerSide = 3, PredIouThresh = 0.45, StabilityScoreThresh = 0.45 };

    [Fact]
    public void Options_Defaults_AreThePublishedOnes()
    {
        AutomaticMaskGeneratorOptions o = AutomaticMaskGeneratorOptions.Default;
        Assert.Equal((32, 64, 0.88, 0.95, 1.0, 0.7), (o.PointsPerSide, o.PointsPerBatch, o.PredIouThresh, o.StabilityScoreThresh, o.StabilityScoreOffset, o.BoxNmsThresh));
        Assert.Equal((0, 0.7, 512.0 / 1500.0, 1, 0), (o.CropNLayers, o.CropNmsThresh, o.CropOverlapRatio, o.CropNPointsDownscaleFactor, o.MinMaskRegionArea));
        Assert.Equal(AutomaticMaskOutputMode.BinaryMask, o.OutputMode);
    }

    [Fact]
    public void Constructor_SeveralBadOptions_ThrowsListingEach()
    {
        var bad = new AutomaticMaskGeneratorOptions { PointsPerSide = 0, PredIouThresh = double.NaN, CropOverlapRatio = 1.5, MinMaskRegionArea = -1 };

        var ex = Assert.Throws<ArgumentException>(() => new AutomaticMaskGenerator(_model, bad));
        Assert.Contains("PointsPerSide: expected 1 to 1024; got 0.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PredIouThresh: expected 0 to 1; got NaN.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CropOverlapRatio", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MinMaskRegionArea: expected at least 0; got -1.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DownscaleLeavingNoPoints_Throws()
    {
        var bad = new AutomaticMaskGeneratorOptions { PointsPerSide = 4, CropNLayers = 2, CropNPointsDownscaleFactor = 4 };
        Assert.Contains("at least one point per side on layer 2", Assert.Throws<ArgumentException>(() => new AutomaticMaskGenerator(_model, bad)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_EmptyImage_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => new AutomaticMaskGenerator(_model, Small).Generate(default));

    [Fact]
    public void Generate_CancelledToken_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        ImageBuffer image = Fixtures.LoadRgb(Fixtures.Images.First());
        Assert.ThrowsAny<OperationCanceledException>(() => new AutomaticMaskGenerator(_model, Small).Generate(image, cts.Token));
    }

    [Fact]
    public void Generate_CocoRleMode_SameMasksWithoutBinaryCopies()
    {
        ImageBuffer image = Fixtures.LoadRgb(Fixtures.Images.First());
        IReadOnlyList<GeneratedMask> binary = new AutomaticMaskGenerator(_model, Small).Generate(image);
        IReadOnlyList<GeneratedMask> rle = new AutomaticMaskGenerator(_model, new AutomaticMaskGeneratorOptions
        {
            PointsPerSide = 3, PredIouThresh = 0.45, StabilityScoreThresh = 0.45, OutputMode = AutomaticMaskOutputMode.CocoRle,
        }).Generate(image);

        Assert.NotEmpty(binary);
        Assert.Equal(binary.Count, rle.Count);
        for (int i = 0; i < binary.Count; i++)
        {
            Assert.Null(rle[i].Mask);
            Assert.True(binary[i].Rle.Counts.SequenceEqual(rle[i].Rle.Counts));
            Assert.True(binary[i].Mask!.Data.SequenceEqual(rle[i].Rle.ToMask().Data));
            Assert.Equal(binary[i].Mask!.Area, rle[i].Area);
        }

        // Descending predicted IoU (one crop), each mask's bbox is its inclusive extent.
        Assert.True(binary.Zip(binary.Skip(1)).All(p => p.First.PredictedIou >= p.Second.PredictedIou));
        PixelRect r = binary[0].Mask!.BoundingBox;
        Assert.Equal((r.X, r.Y, r.Width - 1, r.Height - 1), binary[0].Bbox);
    }

    [Fact]
    [Trait("Category", "Long")]
    public void Generate_StrideAndFormatOfTheImage_DoNotChangeTheMasks()
    {
        ImageBuffer image = Fixtures.LoadRgb(Fixtures.Images.First());
        int w = image.Width, h = image.Height;
        byte[] bgra = new byte[(w * 4 + 12) * h];
        ReadOnlySpan<byte> rgb = image.Pixels.Span;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int s = (y * w + x) * 3, d = (y * (w * 4 + 12)) + (x * 4);
                (bgra[d], bgra[d + 1], bgra[d + 2], bgra[d + 3]) = (rgb[s + 2], rgb[s + 1], rgb[s], 255);
            }
        }

        var options = new AutomaticMaskGeneratorOptions { PointsPerSide = 2, PredIouThresh = 0.4, StabilityScoreThresh = 0.4, CropNLayers = 1, CropNPointsDownscaleFactor = 2 };
        IReadOnlyList<GeneratedMask> a = new AutomaticMaskGenerator(_model, options).Generate(image);
        IReadOnlyList<GeneratedMask> b = new AutomaticMaskGenerator(_model, options).Generate(new ImageBuffer(bgra, w, h, PixelFormat.Bgra32, w * 4 + 12));

        Assert.NotEmpty(a);
        Assert.Equal(a.Select(m => m.Rle.Counts.ToArray()), b.Select(m => m.Rle.Counts.ToArray()));
    }

    [Theory]
    [InlineData(200, 150, 1, "0,0,200,150;0,0,126,101;0,50,126,150;75,0,200,101;75,50,200,150")]
    [InlineData(300, 220, 1, "0,0,300,220;0,0,188,148;0,73,188,220;113,0,300,148;113,73,300,220")]
    public void CropLayout_Boxes_EqualTheReference(int w, int h, int layers, string expected)
    {
        string actual = string.Join(";", CropLayout.Boxes(w, h, layers, 512.0 / 1500.0).Select(b => $"{b.X0},{b.Y0},{b.X1},{b.Y1}"));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void CropLayout_TwoLayers_SecondLayerHas16CropsLikeTheReference()
    {
        var boxes = CropLayout.Boxes(300, 220, 2, 512.0 / 1500.0);
        Assert.Equal(21, boxes.Count);
        Assert.Equal((66, 46, 169, 129, 2), boxes[10]);
        Assert.Equal((198, 138, 300, 220, 2), boxes[20]);
    }

    [Fact]
    public void CropLayout_Points_CellCentresYOuterXInner()
    {
        (double X, double Y)[] p = CropLayout.Points(3, 200, 150);
        Assert.Equal(9, p.Length);
        // numpy.linspace(1/6, 5/6, 3) = [1/6, 1/6 + 1 * (2/3) / 2, 5/6], times 200 and 150.
        double step = ((1 - (1.0 / 6)) - (1.0 / 6)) / 2;
        Assert.Equal(((1.0 / 6) * 200, (1.0 / 6) * 150), p[0]);
        Assert.Equal((((1 * step) + (1.0 / 6)) * 200, (1.0 / 6) * 150), p[1]);
        Assert.Equal(((1 - (1.0 / 6)) * 200, (1 - (1.0 / 6)) * 150), p[8]);
    }

    [Fact]
    public void BoxNms_OverlappingBoxes_KeepsHigherScoresInDescendingOrderStableOnTies()
    {
        (int, int, int, int)[] boxes = [(0, 0, 10, 10), (1, 1, 10, 10), (20, 20, 30, 30), (50, 50, 60, 60), (0, 0, 10, 9)];
        float[] scores = [0.5f, 0.9f, 0.7f, 0.7f, 0.95f];

        // 4 (0.95) suppresses 0 (IoU 90 / 100) and 1 (72 / 99); 2 and 3 tie at 0.7 and keep their order.
        Assert.Equal([4, 2, 3], BoxNms.Run(boxes, scores, 0.7));
        Assert.Equal([4, 1, 2, 3, 0], BoxNms.Run(boxes, scores, 0.95));
    }

    [Fact]
    public void MaskExtent_EverySizeUpTo70_MatchesAScalarScan()
    {
        var random = new Random(5);
        for (int w = 1; w <= 70; w += 3)
        {
            int h = 1 + (w % 7);
            byte[] mask = new byte[w * h];
            for (int i = 0; i < mask.Length; i++)
            {
                mask[i] = random.Next(40) == 0 ? (byte)1 : (byte)0;
            }

            (int minX, int minY, int maxX, int maxY) = (int.MaxValue, int.MaxValue, -1, -1);
            for (int i = 0; i < mask.Length; i++)
            {
                if (mask[i] != 0)
                {
                    (minX, minY, maxX, maxY) = (Math.Min(minX, i % w), Math.Min(minY, i / w), Math.Max(maxX, i % w), Math.Max(maxY, i / w));
                }
            }

            var expected = maxX < 0 ? (0, 0, 0, 0) : (minX, minY, maxX, maxY);
            Assert.Equal(expected, MaskExtent.Of(mask, w, h));
        }
    }

    [Fact]
    public void SmallRegionRemoval_FillsSmallHolesAndDropsSmallIslands()
    {
        // 12 x 8: a 6 x 6 square with a 1-pixel hole, and a 2-pixel island far right.
        var mask = new BinaryMask(12, 8);
        for (int y = 1; y < 7; y++)
        {
            for (int x = 1; x < 7; x++)
            {
                mask[x, y] = true;
            }
        }

        mask[3, 3] = false;
        mask[10, 2] = true;
        mask[11, 3] = true; // diagonal neighbour: one 8-connected island of 2

        Assert.True(SmallRegionRemoval.Apply(mask.Data, 12, 8, area: 3));
        Assert.True(mask[3, 3]);
        Assert.False(mask[10, 2]);
        Assert.False(mask[11, 3]);
        Assert.Equal(36, mask.Area);
        Assert.False(SmallRegionRemoval.Apply(mask.Data, 12, 8, area: 3));
    }

    [Fact]
    public void SmallRegionRemoval_AllIslandsSmall_KeepsTheLargestFirstInRasterOrder()
    {
        var mask = new BinaryMask(10, 3);
        mask[0, 0] = true;
        mask[1, 0] = true;
        mask[8, 0] = true;
        mask[9, 0] = true;
        mask[5, 2] = true;

        Assert.True(SmallRegionRemoval.Apply(mask.Data, 10, 3, area: 10));
        Assert.True(mask[0, 0] && mask[1, 0]);
        Assert.Equal(2, mask.Area);
    }
}
