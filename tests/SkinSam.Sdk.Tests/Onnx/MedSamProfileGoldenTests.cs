using System.Text.Json;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;
using SkinSam.Sdk.Tests.Postprocessing;
using SkinSam.Sdk.Tests.Preprocessing;

namespace SkinSam.Sdk.Tests.Onnx;

/// <summary>
/// The whole decode path under <c>"preprocessing": "medsam"</c> (MedSAM's preprocessing, real ONNX Runtime sessions
/// over the sam-tiny fixture's graphs, box mapping, mask 0, sigmoid and one resize of the probabilities, p &gt; 0.5)
/// against MedSAM's published inference run in PyTorch on the same weights (tools/goldens/medsam_reference.py).
/// </summary>
public sealed class MedSamProfileGoldenTests : IClassFixture<MedSamProfileGoldenTests.MedSamFolders>
{
    private readonly MedSamFolders _folders;

    public MedSamProfileGoldenTests(MedSamFolders folders) => _folders = folders;

    public static TheoryData<string, string> DecodersAndImages()
    {
        var data = new TheoryData<string, string>();
        foreach (string decoder in new[] { "multimask", "low-res-only" })
        {
            foreach (JsonElement image in MedSamGoldens.Decode.GetProperty("images").EnumerateArray())
            {
                data.Add(decoder, image.GetProperty("id").GetString()!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DecodersAndImages))]
    public void DecodeBatch_SeveralBoxes_MasksMatchMedSamInference(string decoder, string imageId)
    {
        JsonElement image = MedSamGoldens.Decode.GetProperty("images").EnumerateArray().Single(i => i.GetProperty("id").GetString() == imageId);
        using SamOnnxModel model = SamOnnxModel.Load(_folders.Folder(decoder));
        using ImageEmbedding embedding = model.Encode(LoadImage(image));
        JsonElement[] prompts = image.GetProperty("prompts").EnumerateArray().ToArray();
        SegmentationPrompt[] boxes = prompts.Select(p => SegmentationPrompt.FromBox(
            p.GetProperty("box")[0].GetInt32(), p.GetProperty("box")[1].GetInt32(), p.GetProperty("box")[2].GetInt32(), p.GetProperty("box")[3].GetInt32())).ToArray();

        IReadOnlyList<SegmentationResult> results = model.DecodeBatch(embedding, boxes, new DecodeOptions { ReturnLogits = true });

        Assert.Equal(prompts.Length, results.Count);
        for (int i = 0; i < prompts.Length; i++)
        {
            string where = $"{decoder} {imageId} box {i}";
            SegmentationResult r = results[i];
            JsonElement expected = prompts[i].GetProperty("mask");
            Assert.Equal(MaskSelection.PredictorFirstMask, r.Selection);
            Assert.Equal(0, r.MaskIndex);
            Assert.Equal(prompts[i].GetProperty("iou").GetDouble(), r.PredictedIou, 1e-5);
            AssertLowResMatches(prompts[i].GetProperty("lowRes"), r.LowResLogits, where);
            MedSamGoldens.AssertMaskMatches(expected, r.Mask.Data, where);
            MedSamGoldens.AssertProbabilitiesMatch(expected, r.Logits, 1e-5, where);
            (double stability, double tolerance) = MedSamGoldens.Stability(expected);
            Assert.True(Math.Abs(stability - r.StabilityScore) <= tolerance, $"{where}: stability {r.StabilityScore} vs {stability}");
            Assert.Equal(r.Mask.Area, r.Area);
        }
    }

    [Fact]
    public void Decode_DefaultOptions_SameMaskAsReturnLogitsAndMedSamSelection()
    {
        JsonElement image = MedSamGoldens.Decode.GetProperty("images")[0];
        using SamOnnxModel model = SamOnnxModel.Load(_folders.Folder("multimask"));
        using ImageEmbedding embedding = model.Encode(LoadImage(image));
        JsonElement p = image.GetProperty("prompts")[0];
        SegmentationPrompt box = SegmentationPrompt.FromBox(p.GetProperty("box")[0].GetInt32(), p.GetProperty("box")[1].GetInt32(), p.GetProperty("box")[2].GetInt32(), p.GetProperty("box")[3].GetInt32());

        SegmentationResult plain = model.Decode(embedding, box);
        SegmentationResult withLogits = model.Decode(embedding, box, new DecodeOptions { ReturnLogits = true });

        Assert.Equal(MaskSelection.PredictorFirstMask, model.Info.DefaultSelection);
        Assert.Null(plain.Logits);
        Assert.Equal(withLogits.Mask.Data.ToArray(), plain.Mask.Data.ToArray());
        Assert.Equal(withLogits.StabilityScore, plain.StabilityScore);
        MedSamGoldens.AssertMaskMatches(p.GetProperty("mask"), plain.Mask.Data, "default options");
    }

    [Fact]
    public void Decode_ExplicitOfficialOnnxSelection_OverridesProfileDefault()
    {
        JsonElement image = MedSamGoldens.Decode.GetProperty("images")[0];
        using SamOnnxModel model = SamOnnxModel.Load(_folders.Folder("multimask"));
        using ImageEmbedding embedding = model.Encode(LoadImage(image));
        JsonElement p = image.GetProperty("prompts")[0];
        SegmentationPrompt box = SegmentationPrompt.FromBox(p.GetProperty("box")[0].GetInt32(), p.GetProperty("box")[1].GetInt32(), p.GetProperty("box")[2].GetInt32(), p.GetProperty("box")[3].GetInt32());

        SegmentationResult r = model.Decode(embedding, box, new DecodeOptions { Selection = MaskSelection.OfficialOnnx, MultimaskOutput = true });

        // A box alone is N = 2 rows: the official rule takes the best of masks 1..3, never mask 0.
        Assert.Equal(MaskSelection.OfficialOnnx, r.Selection);
        Assert.NotEqual(0, r.MaskIndex);
        Assert.Equal(1 + r.Candidates.Skip(1).Select(c => c.PredictedIou).ToList().IndexOf(r.Candidates.Skip(1).Max(c => c.PredictedIou)), r.MaskIndex);
    }

    [Fact]
    public void Load_MedSamWithSingleMaskDecoder_ThrowsModelLoadException()
    {
        string folder = _folders.Create("medsam-single", Path.Combine(Fixtures.Model("sam-tiny-single"), "decoder.onnx"), "single-mask");
        var ex = Assert.Throws<ModelLoadException>(() => SamOnnxModel.Load(folder));
        Assert.Contains("the medsam profile needs a multimask or low-res-only decoder", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got single-mask", ex.Message, StringComparison.Ordinal);
    }

    private static ImageBuffer LoadImage(JsonElement image)
    {
        int w = image.GetProperty("width").GetInt32(), h = image.GetProperty("height").GetInt32();
        byte[] rgb = image.TryGetProperty("rgbFile", out JsonElement file)
            ? File.ReadAllBytes(Path.Combine(Fixtures.Root, "expected", file.GetString()!))
            : SyntheticImage.Create(w, h, image.GetProperty("synthetic").GetProperty("seed").GetInt32());
        return ImageBuffer.FromRgb24(rgb, w, h);
    }

    private static void AssertLowResMatches(JsonElement expected, float[] lowRes, string where)
    {
        Assert.Equal(256 * 256, lowRes.Length);
        foreach (JsonElement s in expected.GetProperty("samples").EnumerateArray())
        {
            int x = s[0].GetInt32(), y = s[1].GetInt32();
            Assert.True(Math.Abs(s[2].GetDouble() - lowRes[(y * 256) + x]) <= 1e-4, $"{where}: low-res ({x},{y}) = {lowRes[(y * 256) + x]} vs {s[2].GetDouble()}");
        }

        double sumAbs = lowRes.Sum(v => Math.Abs((double)v));
        Assert.Equal(expected.GetProperty("sumAbs").GetDouble(), sumAbs, expected.GetProperty("sumAbs").GetDouble() * 1e-5);
    }

    /// <summary>
    /// MedSAM-profile model folders made of the committed sam-tiny graphs (no copy of them in git): the multimask decoder,
    /// whose 'masks' output the profile does not fetch, and the low-res-only decoder.
    /// </summary>
    public sealed class MedSamFolders : IDisposable
    {
        private readonly string _root = Directory.CreateTempSubdirectory("skinsam-medsam-").FullName;

        public MedSamFolders()
        {
            Create("multimask", Path.Combine(Fixtures.Model("sam-tiny"), "decoder.onnx"), "multimask");
            Create("low-res-only", Path.Combine(Fixtures.Model("sam-tiny-lowres"), "decoder.onnx"), "low-res-only");
        }

        public string Folder(string name) => System.IO.Path.Combine(_root, name);

        public string Create(string name, string decoderFile, string decoderVariant)
        {
            string folder = Directory.CreateDirectory(Folder(name)).FullName;
            File.Copy(System.IO.Path.Combine(Fixtures.Model("sam-tiny"), "encoder.onnx"), System.IO.Path.Combine(folder, "encoder.onnx"), overwrite: true);
            File.Copy(decoderFile, System.IO.Path.Combine(folder, "decoder.onnx"), overwrite: true);
            File.WriteAllText(System.IO.Path.Combine(folder, "model.json"), $$"""
                {
                  "schemaVersion": 1, "name": "medsam-tiny-{{name}}", "family": "sam-v1", "preprocessing": "medsam",
                  "inputSize": 1024, "maskThreshold": 0.0,
                  "encoder": { "file": "encoder.onnx", "variant": "image-nchw" },
                  "decoder": { "file": "decoder.onnx", "variant": "{{decoderVariant}}", "batchAxis": false },
                  "supportsNoPrompt": false, "license": "Apache-2.0",
                  "provenance": "sam-tiny test fixture graphs under the medsam profile (tests/SkinSam.Sdk.Tests/Onnx/MedSamProfileGoldenTests.cs)"
                }
                """);
            return folder;
        }

        public void Dispose() => Directory.Delete(_root, recursive: true);
    }
}
