using System.Text.Json;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;
using SkinSam.Sdk.Tests.Preprocessing;

namespace SkinSam.Sdk.Tests.Onnx;

/// <summary>
/// The SAM 2.1 goldens of tools/goldens/sam2_reference.py (TestData/sam2/goldens.json): the project's PyTorch
/// SAM2ImagePredictor on the sam2-tiny fixture's weights, per image and prompt type.
/// </summary>
internal static class Sam2Goldens
{
    /// <summary>Masks may differ from PyTorch only where the reference logit is this close to the threshold.</summary>
    public const double NearThreshold = 1e-3;

    public static string DataFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestData");

    public static string ModelFolder => Fixtures.Model("sam2-tiny");

    public static JsonElement Root { get; } = Load();

    public static IEnumerable<JsonElement> Images => Root.GetProperty("images").EnumerateArray();

    public static JsonElement Image(string id) => Images.Single(i => i.GetProperty("id").GetString() == id);

    public static TheoryData<string> ImageIds()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement image in Images)
        {
            data.Add(image.GetProperty("id").GetString()!);
        }

        return data;
    }

    public static TheoryData<string, string> ImagesAndPrompts()
    {
        var data = new TheoryData<string, string>();
        foreach (JsonElement image in Images)
        {
            foreach (JsonElement prompt in image.GetProperty("prompts").EnumerateArray())
            {
                data.Add(image.GetProperty("id").GetString()!, prompt.GetProperty("name").GetString()!);
            }
        }

        return data;
    }

    public static ImageBuffer LoadImage(JsonElement image)
    {
        int w = image.GetProperty("width").GetInt32(), h = image.GetProperty("height").GetInt32();
        JsonElement source = image.GetProperty("source");
        byte[] rgb = source.TryGetProperty("rgbFile", out JsonElement file)
            ? File.ReadAllBytes(Path.Combine(Fixtures.Root, "expected", Path.GetFileName(file.GetString()!)))
            : SyntheticImage.Create(w, h, source.GetProperty("synthetic").GetProperty("seed").GetInt32());
        return ImageBuffer.FromRgb24(rgb, w, h);
    }

    /// <summary>The prompt as the SDK takes it (without the mask input, which comes from an earlier decode).</summary>
    public static SegmentationPrompt Prompt(JsonElement prompt)
    {
        var points = new List<PromptPoint>();
        if (prompt.GetProperty("points").ValueKind == JsonValueKind.Array)
        {
            JsonElement labels = prompt.GetProperty("labels");
            int i = 0;
            foreach (JsonElement p in prompt.GetProperty("points").EnumerateArray())
            {
                points.Add(new PromptPoint(p[0].GetSingle(), p[1].GetSingle(), labels[i++].GetInt32() == 1 ? PointLabel.Positive : PointLabel.Negative));
            }
        }

        PromptBox? box = prompt.GetProperty("box").ValueKind == JsonValueKind.Array
            ? new PromptBox(prompt.GetProperty("box")[0].GetSingle(), prompt.GetProperty("box")[1].GetSingle(), prompt.GetProperty("box")[2].GetSingle(), prompt.GetProperty("box")[3].GetSingle())
            : null;
        return new SegmentationPrompt { Points = points, Box = box };
    }

    /// <summary>Checks a tensor against a TensorSummary: samples within <paramref name="tolerance"/>, sums relatively close.</summary>
    public static double AssertTensorMatches(JsonElement summary, IReadOnlyList<int> shape, ReadOnlySpan<float> values, double tolerance, string where)
    {
        Assert.Equal(summary.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()), shape);
        int c = shape[1], h = shape[2], w = shape[3];
        Assert.Equal(c * h * w, values.Length);
        double worst = 0;
        foreach (JsonElement s in summary.GetProperty("samples").EnumerateArray())
        {
            int ci = s[0].GetInt32(), y = s[1].GetInt32(), x = s[2].GetInt32();
            float actual = values[(((ci * h) + y) * w) + x];
            double diff = Math.Abs(actual - s[3].GetDouble());
            worst = Math.Max(worst, diff);
            Assert.True(diff <= tolerance, $"{where}: [{ci},{y},{x}] = {actual} vs {s[3].GetDouble()} (|diff| {diff:E2} > {tolerance:E0})");
        }

        double sum = 0, sumAbs = 0;
        foreach (float v in values)
        {
            sum += v;
            sumAbs += Math.Abs(v);
        }

        double expectedAbs = summary.GetProperty("sumAbs").GetDouble();
        Assert.True(Math.Abs(sumAbs - expectedAbs) <= tolerance * values.Length, $"{where}: sum |v| {sumAbs} vs {expectedAbs}");
        Assert.True(Math.Abs(sum - summary.GetProperty("sum").GetDouble()) <= tolerance * values.Length, $"{where}: sum {sum} vs {summary.GetProperty("sum").GetDouble()}");
        return worst;
    }

    /// <summary>Checks a result's clamped 256 x 256 logits against a LowResSummary.</summary>
    public static void AssertLowResMatches(JsonElement summary, float[] lowRes, double tolerance, string where)
    {
        Assert.Equal(256 * 256, lowRes.Length);
        foreach (JsonElement s in summary.GetProperty("samples").EnumerateArray())
        {
            int x = s[0].GetInt32(), y = s[1].GetInt32();
            Assert.True(Math.Abs(s[2].GetDouble() - lowRes[(y * 256) + x]) <= tolerance, $"{where}: low-res ({x},{y}) = {lowRes[(y * 256) + x]} vs {s[2].GetDouble()}");
        }

        double sumAbs = lowRes.Sum(v => Math.Abs((double)v));
        Assert.True(Math.Abs(sumAbs - summary.GetProperty("sumAbs").GetDouble()) <= tolerance * lowRes.Length, $"{where}: low-res sum |v| {sumAbs} vs {summary.GetProperty("sumAbs").GetDouble()}");
        Assert.True(lowRes.All(v => v is >= -32f and <= 32f), $"{where}: low-res logits outside [-32, 32]");
    }

    /// <summary>
    /// Checks a mask and its logits against a MaskResult: pixel for pixel (RLE) where the golden has it, except where
    /// the reference logit lies within 1e-3 of the threshold; else the area within the near-threshold count; the logit sum.
    /// </summary>
    public static void AssertMaskMatches(JsonElement expected, BinaryMask mask, float[]? logits, string where)
    {
        Assert.Equal(expected.GetProperty("width").GetInt32(), mask.Width);
        Assert.Equal(expected.GetProperty("height").GetInt32(), mask.Height);
        int near = expected.GetProperty("nearThresholdCount").GetInt32();
        if (expected.TryGetProperty("rle", out JsonElement rle))
        {
            var reference = new byte[mask.Width * mask.Height];
            int at = 0;
            byte value = 0;
            foreach (JsonElement run in rle.EnumerateArray())
            {
                int n = run.GetInt32();
                reference.AsSpan(at, n).Fill(value);
                at += n;
                value ^= 1;
            }

            var tolerated = new HashSet<int>(expected.GetProperty("nearThreshold").EnumerateArray().Select(e => e.GetInt32()));
            ReadOnlySpan<byte> data = mask.Data;
            int differing = 0;
            for (int i = 0; i < reference.Length; i++)
            {
                if ((data[i] != 0) != (reference[i] != 0) && !tolerated.Contains(i))
                {
                    differing++;
                }
            }

            Assert.True(differing == 0, $"{where}: {differing} pixels differ from PyTorch where |logit| >= {NearThreshold}");
        }
        else
        {
            int area = expected.GetProperty("area").GetInt32();
            Assert.True(Math.Abs(mask.Area - area) <= near, $"{where}: area {mask.Area} vs {area} (near-threshold pixels {near})");
        }

        if (logits is not null)
        {
            double sum = logits.Sum(v => (double)v);
            double reference = expected.GetProperty("logitSum").GetDouble();
            Assert.True(Math.Abs(sum - reference) <= 1e-4 * logits.Length, $"{where}: logit sum {sum} vs {reference}");
        }
    }

    private static JsonElement Load()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(DataFolder, "sam2", "goldens.json")));
        return doc.RootElement.Clone();
    }
}
