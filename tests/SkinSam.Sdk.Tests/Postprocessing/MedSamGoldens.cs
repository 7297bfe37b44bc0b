using System.Runtime.InteropServices;
using System.Text.Json;

namespace SkinSam.Sdk.Tests.Postprocessing;

/// <summary>
/// Reads the goldens of tools/goldens/medsam_reference.py (TestData/medsam): MedSAM's published inference, and
/// compares masks and probability maps with them the way the script documents (masks identical except where the
/// reference probability lies within 1e-3 of 0.5).
/// </summary>
internal static class MedSamGoldens
{
    public static string TestData => Path.Combine(AppContext.BaseDirectory, "TestData");

    public static JsonElement Decode { get; } = Read("decode.json");

    public static JsonElement Postprocessing { get; } = Read("postprocessing.json");

    public static float[] ReadLogits(JsonElement postprocessingCase)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(TestData, postprocessingCase.GetProperty("logitsFile").GetString()!));
        float[] logits = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        float scale = (float)postprocessingCase.GetProperty("scale").GetDouble();
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] *= scale;
        }

        return logits;
    }

    /// <summary>Asserts <paramref name="mask"/> equals the reference mask except at its near-threshold pixels.</summary>
    public static void AssertMaskMatches(JsonElement expected, ReadOnlySpan<byte> mask, string where)
    {
        int w = expected.GetProperty("width").GetInt32(), h = expected.GetProperty("height").GetInt32();
        Assert.Equal(w * h, mask.Length);
        var near = new HashSet<int>(expected.GetProperty("nearThreshold").EnumerateArray().Select(e => e.GetInt32()));
        int pos = 0, area = 0, differing = 0, differingOutsideNear = 0;
        bool foreground = false;
        foreach (JsonElement run in expected.GetProperty("rle").EnumerateArray())
        {
            int end = pos + run.GetInt32();
            for (; pos < end; pos++)
            {
                bool actual = mask[pos] != 0;
                area += actual ? 1 : 0;
                if (actual != foreground)
                {
                    differing++;
                    differingOutsideNear += near.Contains(pos) ? 0 : 1;
                }
            }

            foreground = !foreground;
        }

        Assert.Equal(w * h, pos);
        Assert.True(differingOutsideNear == 0, $"{where}: {differingOutsideNear} pixels differ from MedSAM's mask where |p - 0.5| >= 1e-3 ({differing} differ in all, {near.Count} near the threshold).");
        Assert.True(Math.Abs(area - expected.GetProperty("area").GetInt32()) <= near.Count, $"{where}: area {area} vs {expected.GetProperty("area").GetInt32()}");
    }

    /// <summary>Asserts sampled probabilities and the probability sum, and the stability score from the reference counts.</summary>
    public static void AssertProbabilitiesMatch(JsonElement expected, ReadOnlySpan<float> probabilities, double tolerance, string where)
    {
        int w = expected.GetProperty("width").GetInt32();
        foreach (JsonElement s in expected.GetProperty("probabilitySamples").EnumerateArray())
        {
            int x = s[0].GetInt32(), y = s[1].GetInt32();
            Assert.True(Math.Abs(s[2].GetDouble() - probabilities[(y * w) + x]) <= tolerance, $"{where}: p({x},{y}) = {probabilities[(y * w) + x]} vs {s[2].GetDouble()}");
        }

        double sum = 0;
        foreach (float p in probabilities)
        {
            sum += p;
        }

        double expectedSum = expected.GetProperty("probabilitySum").GetDouble();
        Assert.True(Math.Abs(sum - expectedSum) <= tolerance * probabilities.Length, $"{where}: probability sum {sum} vs {expectedSum}");
    }

    /// <summary>The stability score the reference counts give, and how far a value within rounding may move it.</summary>
    public static (double Score, double Tolerance) Stability(JsonElement expected)
    {
        int low = expected.GetProperty("stabilityLow").GetInt32(), high = expected.GetProperty("stabilityHigh").GetInt32();
        int nearLow = expected.GetProperty("nearStabilityLow").GetInt32(), nearHigh = expected.GetProperty("nearStabilityHigh").GetInt32();
        double score = low == 0 ? 0 : (double)high / low;
        double tolerance = low == 0 ? 0 : ((nearHigh + (score * nearLow)) / Math.Max(1, low - nearLow)) + 1e-6;
        return (score, tolerance);
    }

    private static JsonElement Read(string name)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestData, "medsam", name)));
        return doc.RootElement.Clone();
    }
}
