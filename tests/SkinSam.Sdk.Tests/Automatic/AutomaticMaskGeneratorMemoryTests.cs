using System.Text.Json;
using SkinSam.Sdk.Automatic;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using Xunit.Abstractions;

namespace SkinSam.Sdk.Tests.Automatic;

/// <summary>
/// The generator's low-level path (predicted IoU first, survivors thresholded into one pooled buffer) against the
/// path every model has (DecodeBatch's full results): the same masks, and a bounded allocation per grid point.
/// </summary>
public sealed class AutomaticMaskGeneratorMemoryTests(ITestOutputHelper output)
{

    // SAM v1 with a crop layer (crops go through the region encoding) on a 4 x 4 grid; SAM 2.1's fixture (random
    // weights, low scores) with the thresholds off on a 2 x 2 grid without crops (its encoder is the slow part).
    public static TheoryData<string, int, double, int> Models() => new()
    {
        { "sam-tiny", 4, 0.3, 1 },
        { "sam-tiny-batch", 4, 0.3, 1 },
        { "sam2-tiny", 2, 0.0, 0 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Generate_LowLevelPath_EqualsTheFullResultPath(string name, int pointsPerSide, double threshold, int cropLayers)
    {
        using ISegmentationModel model = SegmentationModels.Load(Fixtures.Model(name));
        ImageBuffer image = GoldenImage();
        var options = new AutomaticMaskGeneratorOptions
        {
            PointsPerSide = pointsPerSide,
            PredIouThresh = threshold,
            StabilityScoreThresh = threshold,
            CropNLayers = cropLayers,
            CropNPointsDownscaleFactor = 2,
        };

        IReadOnlyList<GeneratedMask> fast = new AutomaticMaskGenerator(model, options).Generate(image);
        IReadOnlyList<GeneratedMask> full = new AutomaticMaskGenerator(model, options) { UseLowResDecode = false }.Generate(image);

        Assert.NotEmpty(full);
        Assert.Equal(full.Count, fast.Count);
        for (int i = 0; i < full.Count; i++)
        {
            Assert.Equal(full[i].Rle.Counts.ToArray(), fast[i].Rle.Counts.ToArray());
            Assert.Equal(full[i].Mask!.Data, fast[i].Mask!.Data);
            Assert.Equal(
                (full[i].Area, full[i].Bbox, full[i].PredictedIou, full[i].StabilityScore, full[i].PointX, full[i].PointY, full[i].CropBox),
                (fast[i].Area, fast[i].Bbox, fast[i].PredictedIou, fast[i].StabilityScore, fast[i].PointX, fast[i].PointY, fast[i].CropBox));
        }
    }

    [Fact]
    public void Generate_SteadyState_AllocatesUnder8KilobytesPerGridPoint()
    {
        using ISegmentationModel model = SegmentationModels.Load(Fixtures.Model("sam-tiny"));
        ImageBuffer image = GoldenImage();
        // The golden grid8 thresholds on a 4 x 4 grid (16 points) of its 200 x 150 image.
        var options = new AutomaticMaskGeneratorOptions { PointsPerSide = 4, PredIouThresh = 0.45, StabilityScoreThresh = 0.45, OutputMode = AutomaticMaskOutputMode.CocoRle };
        int points = options.PointsPerSide * options.PointsPerSide;

        (long fast, int kept) = SecondRunAllocation(new AutomaticMaskGenerator(model, options), image);
        (long full, _) = SecondRunAllocation(new AutomaticMaskGenerator(model, options) { UseLowResDecode = false }, image);
        output.WriteLine($"{image.Width}x{image.Height}, {points} points, {kept} masks kept: low-level path {fast / points} bytes per point, full-result path {full / points} bytes per point.");

        // The encoder's output and the kept masks' RLE are part of the run; the candidates that are dropped cost
        // nothing original-size. The full-result path builds every candidate's mask and low-res copy (over 1 MB per point).
        Assert.True(kept > 0, "a run that keeps no mask proves little");
        Assert.True(fast / points < 8 * 1024, $"expected under 8 KB per grid point; got {fast / points} bytes ({fast} for {points} points)");
        Assert.True(full / points > 8 * 1024, $"the full-result path should exceed the bound it is compared with; got {full / points} bytes per point");
    }

    // The image of the grid8 golden (tools/amg/reference_amg.py's input).
    private static ImageBuffer GoldenImage()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.Root, "expected", "amg", "grid8.ISIC_0031023.json")));
        JsonElement root = doc.RootElement;
        byte[] rgb = File.ReadAllBytes(Path.Combine(Fixtures.Root, "expected", root.GetProperty("image").GetString()!));
        return ImageBuffer.FromRgb24(rgb, root.GetProperty("width").GetInt32(), root.GetProperty("height").GetInt32());
    }

    private static (long Bytes, int Kept) SecondRunAllocation(AutomaticMaskGenerator generator, ImageBuffer image)
    {
        _ = generator.Generate(image);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int kept = generator.Generate(image).Count;
        return (GC.GetAllocatedBytesForCurrentThread() - before, kept);
    }
}
