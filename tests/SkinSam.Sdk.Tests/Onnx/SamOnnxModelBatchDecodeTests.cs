using System.Text.Json.Nodes;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Tests.Onnx;

/// <summary>
/// A decoder with a prompt-batch axis (models/test-fixtures/sam-tiny-batch: sam-tiny's weights, batched graph, model.json
/// "batchAxis": true): <c>DecodeBatch</c> runs once per group of up to 16 prompts with the same number of point rows
/// and equals B single decodes; the results also equal the unbatched sam-tiny's.
/// </summary>
public sealed class SamOnnxModelBatchDecodeTests : IDisposable
{
    private readonly SamOnnxModel _batch = SamOnnxModel.Load(Fixtures.Model("sam-tiny-batch"));
    private readonly ImageBuffer _image = Fixtures.LoadRgb(Fixtures.Images.First());

    public void Dispose() => _batch.Dispose();

    private List<SegmentationPrompt> Prompts(ImageEmbedding e, SamOnnxModel model)
    {
        var prompts = new List<SegmentationPrompt>();
        var random = new Random(11);
        int w = _image.Width, h = _image.Height;
        for (int i = 0; i < 18; i++)
        {
            prompts.Add(SegmentationPrompt.FromPoint(random.Next(w), random.Next(h)));
        }

        prompts.Add(SegmentationPrompt.FromPoints(new PromptPoint(10, 10), new PromptPoint(50, 40, PointLabel.Negative)));
        prompts.Add(SegmentationPrompt.FromBox(20, 15, 120, 100));
        prompts.Add(SegmentationPrompt.FromBox(5, 5, 60, 50));
        prompts.Add(new SegmentationPrompt { Box = new PromptBox(30, 20, 150, 110), Points = [new PromptPoint(80, 60)] });
        float[] previous = model.Decode(e, SegmentationPrompt.FromPoint(70, 60)).LowResLogits;
        prompts.Add(SegmentationPrompt.FromPoint(70, 60).WithMaskInput(previous));
        prompts.Add(SegmentationPrompt.FromPoint(90, 30).WithMaskInput(previous));
        return prompts;
    }

    [Fact]
    public void Load_BatchFixture_ManifestDeclaresTheAxis() => Assert.True(_batch.Info.Manifest.DecoderBatchAxis);

    [Fact]
    public void DecodeBatch_MixedPrompts_EqualsSingleDecodesInOrder()
    {
        using ImageEmbedding e = _batch.Encode(_image);
        List<SegmentationPrompt> prompts = Prompts(e, _batch);
        var options = new DecodeOptions { MultimaskOutput = true, ReturnLogits = true };

        IReadOnlyList<SegmentationResult> batched = _batch.DecodeBatch(e, prompts, options);

        Assert.Equal(prompts.Count, batched.Count);
        double worst = 0;
        for (int i = 0; i < prompts.Count; i++)
        {
            SegmentationResult single = _batch.Decode(e, prompts[i], options);
            Assert.Equal(single.MaskIndex, batched[i].MaskIndex);
            Assert.Equal(single.Candidates.Count, batched[i].Candidates.Count);
            for (int c = 0; c < single.Candidates.Count; c++)
            {
                Assert.True(single.Candidates[c].Mask.Data.SequenceEqual(batched[i].Candidates[c].Mask.Data), $"prompt {i} candidate {c}: masks differ");
                Assert.Equal(single.Candidates[c].PredictedIou, batched[i].Candidates[c].PredictedIou, 1e-6);
                float[] a = single.Candidates[c].Logits!, b = batched[i].Candidates[c].Logits!;
                for (int p = 0; p < a.Length; p++)
                {
                    worst = Math.Max(worst, Math.Abs(a[p] - b[p]));
                }
            }
        }

        Assert.True(worst <= 1e-5, $"largest logit difference {worst}");
    }

    [Fact]
    public void DecodeBatch_BatchedGraph_EqualsTheUnbatchedFixture()
    {
        using SamOnnxModel plain = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
        using ImageEmbedding eb = _batch.Encode(_image);
        using ImageEmbedding ep = plain.Encode(_image);
        List<SegmentationPrompt> prompts = Prompts(ep, plain);

        IReadOnlyList<SegmentationResult> batched = _batch.DecodeBatch(eb, prompts);
        IReadOnlyList<SegmentationResult> looped = plain.DecodeBatch(ep, prompts);

        for (int i = 0; i < prompts.Count; i++)
        {
            Assert.True(looped[i].Mask.Data.SequenceEqual(batched[i].Mask.Data), $"prompt {i}: masks differ");
            Assert.Equal(looped[i].PredictedIou, batched[i].PredictedIou, 1e-5);
        }
    }

    [Fact]
    public void DecodeBatch_OneBadPrompt_ThrowsBeforeAnyRun()
    {
        using ImageEmbedding e = _batch.Encode(_image);
        SegmentationPrompt[] prompts = [SegmentationPrompt.FromPoint(5, 5), SegmentationPrompt.FromPoint(float.NaN, 5)];

        Assert.Throws<InvalidPromptException>(() => _batch.DecodeBatch(e, prompts));
    }

    [Fact]
    public void Load_BatchAxisDeclaredForADecoderWithoutOne_ThrowsContractException()
    {
        string folder = Directory.CreateTempSubdirectory("skinsam-batchaxis-").FullName;
        try
        {
            foreach (string f in (string[])["encoder.onnx", "decoder.onnx"])
            {
                File.Copy(Path.Combine(Fixtures.Model("sam-tiny"), f), Path.Combine(folder, f));
            }

            JsonNode manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.Model("sam-tiny"), "model.json")))!;
            manifest["decoder"]!["batchAxis"] = true;
            File.WriteAllText(Path.Combine(folder, "model.json"), manifest.ToJsonString());

            var ex = Assert.Throws<ModelContractException>(() => SamOnnxModel.Load(folder));
            Assert.Contains("dynamic prompt-batch axis", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
