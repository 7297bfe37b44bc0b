using System.Text.Json;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Tests.Onnx;

/// <summary>
/// The whole pipeline (preprocessing, real ONNX Runtime sessions, prompt encoding, post-processing) on the tiny fixtures,
/// against values PyTorch computed on the same weights (tools/fixtures/make_test_models.py), never against the SDK's own output.
/// </summary>
public sealed class SamOnnxModelGoldenTests
{
    public static TheoryData<string, string> ModelsAndImages()
    {
        var data = new TheoryData<string, string>();
        foreach (string model in new[] { "sam-tiny", "sam-tiny-hwc", "sam-official-layout", "sam-tiny-single", "sam-tiny-lowres" })
        {
            foreach (JsonElement image in Fixtures.Images)
            {
                data.Add(model, image.GetProperty("id").GetString()!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndImages))]
    public void Encode_FixtureImage_EmbeddingMatchesPyTorch(string model, string imageId)
    {
        JsonElement image = Fixtures.Image(imageId);
        using SamOnnxModel sam = SamOnnxModel.Load(Fixtures.Model(model));
        using ImageEmbedding embedding = sam.Encode(Fixtures.LoadRgb(image));

        JsonElement expected = image.GetProperty(model == "sam-tiny-hwc" ? "embeddingFromHwcEncoder" : "embedding");
        ReadOnlySpan<float> values = embedding.Values.Span;
        Assert.Equal(256 * 64 * 64, values.Length);
        foreach (JsonElement s in expected.GetProperty("samples").EnumerateArray())
        {
            int c = s[1].GetInt32(), y = s[2].GetInt32(), x = s[3].GetInt32();
            Assert.Equal(s[4].GetDouble(), values[(((c * 64) + y) * 64) + x], 1e-4);
        }

        double sum = 0, sumAbs = 0;
        foreach (float v in values)
        {
            sum += v;
            sumAbs += Math.Abs(v);
        }

        Assert.Equal(expected.GetProperty("sumAbs").GetDouble(), sumAbs, expected.GetProperty("sumAbs").GetDouble() * 1e-5);
        Assert.Equal(expected.GetProperty("sum").GetDouble(), sum, Math.Abs(expected.GetProperty("sumAbs").GetDouble()) * 1e-5);
        Assert.Equal(image.GetProperty("preprocess").GetProperty("resizedWidth").GetInt32(), embedding.ResizedWidth);
        Assert.Equal(image.GetProperty("preprocess").GetProperty("resizedHeight").GetInt32(), embedding.ResizedHeight);
    }

    [Theory]
    [MemberData(nameof(ModelsAndImages))]
    public void Decode_GoldenPrompts_MasksScoresAndSelectionMatchPyTorch(string model, string imageId)
    {
        JsonElement image = Fixtures.Image(imageId);
        using SamOnnxModel sam = SamOnnxModel.Load(Fixtures.Model(model));
        using ImageEmbedding embedding = sam.Encode(Fixtures.LoadRgb(image));
        bool single = sam.Info.DecoderVariant == DecoderVariant.SingleMask;
        var byId = new Dictionary<string, SegmentationResult>();

        foreach (JsonElement p in image.GetProperty("prompts").EnumerateArray())
        {
            SegmentationPrompt prompt = ToPrompt(p, byId);
            var options = new DecodeOptions { MultimaskOutput = true, ReturnLogits = true };
            SegmentationResult result = sam.Decode(embedding, prompt, options);
            byId[p.GetProperty("id").GetString()!] = result;

            double[] iou = p.GetProperty("iouPredictions").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            int singleIndex = p.GetProperty("singleMaskIndex").GetInt32();
            JsonElement[] stats = p.GetProperty("maskStats").EnumerateArray().ToArray();
            if (single)
            {
                Assert.Single(result.Candidates);
                Assert.Equal(iou[singleIndex], result.PredictedIou, 1e-5);
                AssertMaskMatches(stats[singleIndex], result.Candidates[0], p);
            }
            else
            {
                Assert.Equal(4, result.Candidates.Count);
                Assert.Equal(singleIndex, result.MaskIndex);
                for (int k = 0; k < 4; k++)
                {
                    Assert.Equal(iou[k], result.Candidates[k].PredictedIou, 1e-5);
                    AssertMaskMatches(stats[k], result.Candidates[k], p);
                }
            }

            // The chosen mask carries what SegmentationResult promises.
            Assert.Equal(result.Mask.Area, result.Area);
            Assert.Equal(result.Mask.BoundingBox, result.BoundingBox);
        }
    }

    [Theory]
    [MemberData(nameof(ModelsAndImages))]
    public void Decode_GoldenPrompts_PointInputsMatchOfficialEncoding(string model, string imageId)
    {
        _ = model;
        JsonElement image = Fixtures.Image(imageId);
        int w = image.GetProperty("width").GetInt32(), h = image.GetProperty("height").GetInt32();
        (int nw, int nh) = SkinSam.Sdk.Preprocessing.SamPreprocessor.GetResizedSize(w, h);
        foreach (JsonElement p in image.GetProperty("prompts").EnumerateArray())
        {
            SegmentationPrompt prompt = ToPrompt(p, null);
            (float[] coords, float[] labels) = SamOnnxModel.BuildPointInputs(prompt, nw / (double)w, nh / (double)h);
            float[] expectedCoords = p.GetProperty("pointCoords").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(e => (float)e.GetDouble()).ToArray();
            float[] expectedLabels = p.GetProperty("pointLabels").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            Assert.Equal(expectedCoords, coords);
            Assert.Equal(expectedLabels, labels);
        }
    }

    private static void AssertMaskMatches(JsonElement stats, MaskCandidate candidate, JsonElement prompt)
    {
        int tolerance = stats.GetProperty("nearThresholdPixels").GetInt32();
        string where = $"prompt {prompt.GetProperty("id").GetString()} mask {candidate.Index}";
        int[] rle = stats.GetProperty("rle").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        byte[] expected = new byte[candidate.Mask.Width * candidate.Mask.Height];
        int pos = 0;
        for (int i = 0; i < rle.Length; i++)
        {
            if (i % 2 == 1)
            {
                expected.AsSpan(pos, rle[i]).Fill(1);
            }

            pos += rle[i];
        }

        Assert.Equal(expected.Length, pos);
        ReadOnlySpan<byte> actual = candidate.Mask.Data;
        int differing = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            differing += (actual[i] != 0) != (expected[i] != 0) ? 1 : 0;
        }

        Assert.True(differing <= tolerance, $"{where}: {differing} pixels differ from PyTorch; at most {tolerance} lie within 1e-3 of the threshold.");
        Assert.True(Math.Abs(stats.GetProperty("stabilityScore").GetDouble() - candidate.StabilityScore) < 1e-3 + (tolerance * 1e-3), $"{where}: stability {candidate.StabilityScore} vs {stats.GetProperty("stabilityScore").GetDouble()}");
        double logitSum = candidate.Logits!.Sum(v => (double)v);
        double expectedSum = stats.GetProperty("logitSum").GetDouble();
        Assert.True(Math.Abs(logitSum - expectedSum) <= Math.Max(1e-2, Math.Abs(expectedSum) * 1e-5), $"{where}: logit sum {logitSum} vs {expectedSum}");
    }

    private static SegmentationPrompt ToPrompt(JsonElement p, Dictionary<string, SegmentationResult>? previous)
    {
        PromptPoint[] points = p.GetProperty("points").EnumerateArray()
            .Select(a => new PromptPoint((float)a[0].GetDouble(), (float)a[1].GetDouble(), a[2].GetInt32() == 1 ? PointLabel.Positive : PointLabel.Negative))
            .ToArray();
        PromptBox? box = p.GetProperty("box").ValueKind == JsonValueKind.Array
            ? new PromptBox((float)p.GetProperty("box")[0].GetDouble(), (float)p.GetProperty("box")[1].GetDouble(), (float)p.GetProperty("box")[2].GetDouble(), (float)p.GetProperty("box")[3].GetDouble())
            : null;
        var prompt = new SegmentationPrompt { Points = points, Box = box };
        if (previous is not null && p.GetProperty("maskInputFrom").ValueKind == JsonValueKind.String)
        {
            SegmentationResult from = previous[p.GetProperty("maskInputFrom").GetString()!];
            JsonElement source = Fixtures.Images.SelectMany(i => i.GetProperty("prompts").EnumerateArray()).First(x => x.GetProperty("id").GetString() == p.GetProperty("maskInputFrom").GetString());
            int index = source.GetProperty("bestIouIndex").GetInt32();
            float[] lowRes = from.Candidates.Count == 1 ? from.LowResLogits : from.Candidates[index].LowResLogits;
            prompt = prompt.WithMaskInput(lowRes);
        }

        return prompt;
    }
}
