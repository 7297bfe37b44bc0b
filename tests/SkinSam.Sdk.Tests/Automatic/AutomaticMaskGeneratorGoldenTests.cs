using System.Text.Json;
using SkinSam.Sdk.Automatic;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Tests.Automatic;

/// <summary>
/// The generator on the sam-tiny ONNX fixture against tools/amg/reference_amg.py on the fixture's PyTorch modules
/// (models/test-fixtures/expected/amg/*.json): same count, same order, matched masks IoU >= 0.999.
/// </summary>
public sealed class AutomaticMaskGeneratorGoldenTests : IDisposable
{
    private readonly SamOnnxModel _model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));

    public void Dispose() => _model.Dispose();

    // The 8 x 8 grid cases take about 2 s each; the others (crops, a 16 x 16 grid) 4 to 11 s: Category Long.
    public static TheoryData<string> Goldens(bool slow)
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.EnumerateFiles(Path.Combine(Fixtures.Root, "expected", "amg"), "*.json").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (name.StartsWith("grid8.", StringComparison.Ordinal) != slow)
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Goldens), false)]
    public void Generate_FixtureModel_EqualsReferenceMaskForMask(string file) => CheckGolden(file);

    [Theory]
    [Trait("Category", "Long")]
    [MemberData(nameof(Goldens), true)]
    public void Generate_FixtureModelWithCropsOrLargerGrid_EqualsReferenceMaskForMask(string file) => CheckGolden(file);

    [Fact]
    public void Generate_BatchAxisDecoder_EqualsTheSameReference()
    {
        // sam-tiny-batch has sam-tiny's weights with a prompt-batch axis: DecodeBatch runs 16 points at a time.
        using SamOnnxModel batched = SamOnnxModel.Load(Fixtures.Model("sam-tiny-batch"));
        CheckGolden("grid8.ISIC_0031023.json", batched);
    }

    private void CheckGolden(string file) => CheckGolden(file, _model);

    private static void CheckGolden(string file, SamOnnxModel model)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.Root, "expected", "amg", file)));
        JsonElement root = doc.RootElement;
        int w = root.GetProperty("width").GetInt32(), h = root.GetProperty("height").GetInt32();
        ImageBuffer image = ImageBuffer.FromRgb24(File.ReadAllBytes(Path.Combine(Fixtures.Root, "expected", root.GetProperty("image").GetString()!)), w, h);
        JsonElement p = root.GetProperty("params");
        var options = new AutomaticMaskGeneratorOptions
        {
            PointsPerSide = p.GetProperty("points_per_side").GetInt32(),
            PointsPerBatch = p.GetProperty("points_per_batch").GetInt32(),
            PredIouThresh = p.GetProperty("pred_iou_thresh").GetDouble(),
            StabilityScoreThresh = p.GetProperty("stability_score_thresh").GetDouble(),
            StabilityScoreOffset = p.GetProperty("stability_score_offset").GetDouble(),
            BoxNmsThresh = p.GetProperty("box_nms_thresh").GetDouble(),
            CropNLayers = p.GetProperty("crop_n_layers").GetInt32(),
            CropNmsThresh = p.GetProperty("crop_nms_thresh").GetDouble(),
            CropOverlapRatio = p.GetProperty("crop_overlap_ratio").GetDouble(),
            CropNPointsDownscaleFactor = p.GetProperty("crop_n_points_downscale_factor").GetInt32(),
            MinMaskRegionArea = p.GetProperty("min_mask_region_area").GetInt32(),
        };

        IReadOnlyList<GeneratedMask> masks = new AutomaticMaskGenerator(model, options).Generate(image);

        JsonElement[] expected = [.. root.GetProperty("masks").EnumerateArray()];
        Assert.True(expected.Length > 0, "a golden without masks proves nothing");
        Assert.Equal(expected.Length, masks.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            JsonElement e = expected[i];
            GeneratedMask m = masks[i];
            int[] counts = [.. e.GetProperty("segmentation").GetProperty("counts").EnumerateArray().Select(c => c.GetInt32())];
            BinaryMask reference = new CocoRle(w, h, counts).ToMask();
            double iou = Iou(reference, m.Mask!);
            Assert.True(iou >= 0.999, $"mask {i}: IoU {iou:F5} with the reference (area {m.Area} vs {e.GetProperty("area").GetInt32()})");
            Assert.Equal(e.GetProperty("predicted_iou").GetDouble(), m.PredictedIou, 1e-4);
            Assert.Equal(e.GetProperty("stability_score").GetDouble(), m.StabilityScore, 2e-3);
            JsonElement point = e.GetProperty("point_coords")[0];
            Assert.Equal(point[0].GetDouble(), m.PointX, 1e-9);
            Assert.Equal(point[1].GetDouble(), m.PointY, 1e-9);
            int[] crop = [.. e.GetProperty("crop_box").EnumerateArray().Select(c => c.GetInt32())];
            Assert.Equal(new PixelRect(crop[0], crop[1], crop[2], crop[3]), m.CropBox);
            int[] bbox = [.. e.GetProperty("bbox").EnumerateArray().Select(c => c.GetInt32())];
            Assert.InRange(Math.Abs(bbox[0] - m.Bbox.X) + Math.Abs(bbox[1] - m.Bbox.Y) + Math.Abs(bbox[2] - m.Bbox.W) + Math.Abs(bbox[3] - m.Bbox.H), 0, 2);
            Assert.Equal(m.Mask!.Area, m.Area);
        }
    }

    private static double Iou(BinaryMask a, BinaryMask b)
    {
        int inter = 0, union = 0;
        ReadOnlySpan<byte> x = a.Data, y = b.Data;
        for (int i = 0; i < x.Length; i++)
        {
            bool p = x[i] != 0, q = y[i] != 0;
            inter += p && q ? 1 : 0;
            union += p || q ? 1 : 0;
        }

        return union == 0 ? 1.0 : inter / (double)union;
    }
}
