using System.Text.Json;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Tests.Onnx;

/// <summary>
/// The SAM 2.1 family end to end (the factory, real ONNX Runtime sessions over models/test-fixtures/sam2-tiny, SAM 2's
/// preprocessing, prompt sequence, multimask and single-mask rules, the one resize) against the project's PyTorch
/// SAM2ImagePredictor on the same weights (tools/goldens/sam2_reference.py), per image and prompt type.
/// </summary>
public sealed class Sam2OnnxModelGoldenTests : IClassFixture<Sam2OnnxModelGoldenTests.Sam2Model>
{
    private readonly Sam2Model _fixture;

    public Sam2OnnxModelGoldenTests(Sam2Model fixture) => _fixture = fixture;

    public static TheoryData<string> ImageIds() => Sam2Goldens.ImageIds();

    public static TheoryData<string, string> ImagesAndPrompts() => Sam2Goldens.ImagesAndPrompts();

    [Fact]
    public void Load_Sam2Fixture_FactoryOpensTheSam2Family()
    {
        ISegmentationModel model = _fixture.Model;
        Assert.IsType<Sam2OnnxModel>(model);
        Assert.Equal("sam2", model.Info.Manifest.Family);
        Assert.Equal(SkinSam.Sdk.Preprocessing.PreprocessingProfile.Sam2, model.Info.Preprocessing);
        Assert.Equal(MaskSelection.DynamicMultimaskViaStability, model.Info.DefaultSelection);
        Assert.Equal(DecoderVariant.Multimask, model.Info.DecoderVariant);
        Assert.Equal(4, model.Info.MaskCount);
        Assert.StartsWith("sha256:", model.Info.Fingerprint, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ImageIds))]
    public void Encode_GoldenImage_FeaturesMatchPyTorchWithin1e4(string imageId)
    {
        JsonElement image = Sam2Goldens.Image(imageId);
        ImageEmbedding embedding = _fixture.Embedding(imageId);

        Assert.Equal(["image_embed", "high_res_feats_0", "high_res_feats_1"], embedding.Tensors.Select(t => t.Name));
        Assert.Equal(1024, embedding.ResizedWidth);
        Assert.Equal(1024, embedding.ResizedHeight);
        foreach (ImageEmbeddingTensor tensor in embedding.Tensors)
        {
            Sam2Goldens.AssertTensorMatches(image.GetProperty("features").GetProperty(tensor.Name), tensor.Shape, tensor.Values.Span, 1e-4, $"{imageId} {tensor.Name}");
        }
    }

    [Theory]
    [MemberData(nameof(ImagesAndPrompts))]
    public void Decode_GoldenPrompt_SequenceIousAndMasksMatchPyTorch(string imageId, string promptName)
    {
        JsonElement image = Sam2Goldens.Image(imageId);
        JsonElement golden = image.GetProperty("prompts").EnumerateArray().Single(p => p.GetProperty("name").GetString() == promptName);
        ImageEmbedding embedding = _fixture.Embedding(imageId);
        SegmentationPrompt prompt = PromptWithMaskInput(image, golden, embedding);
        string where = $"{imageId} {promptName}";

        // The decoder's point rows: box corners, clicks, the padding point, in the 1024 frame (float32, exact).
        (float[] coords, float[] labels) = Sam2MaskRules.BuildPointInputs(prompt, embedding.Frame, graphAppendsPadding: false);
        Assert.Equal(golden.GetProperty("pointLabels").EnumerateArray().Select(v => v.GetSingle()), labels);
        Assert.Equal(golden.GetProperty("pointCoords1024").EnumerateArray().SelectMany(p => new[] { p[0].GetSingle(), p[1].GetSingle() }), coords);

        SegmentationResult multi = _fixture.Model.Decode(embedding, prompt, new DecodeOptions { MultimaskOutput = true, ReturnLogits = true });
        Assert.Equal([0, 1, 2, 3], multi.Candidates.Select(c => c.Index));
        JsonElement allIou = golden.GetProperty("allIou");
        for (int t = 0; t < 4; t++)
        {
            Assert.True(Math.Abs(allIou[t].GetDouble() - multi.Candidates[t].PredictedIou) <= 1e-5, $"{where}: IoU of token {t} {multi.Candidates[t].PredictedIou} vs {allIou[t].GetDouble()}");
        }

        Assert.Equal(golden.GetProperty("token0Stability").GetSingle(), Sam2MaskRules.LowResStability(multi.Candidates[0].LowResLogits), 1e-4);

        // SAM2ImagePredictor(multimask_output=True): tokens 1..3.
        JsonElement multimask = golden.GetProperty("multimask");
        Assert.Equal([1, 2, 3], multimask.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()));
        for (int i = 0; i < 3; i++)
        {
            MaskCandidate c = multi.Candidates[i + 1];
            JsonElement expected = multimask.GetProperty("masks")[i];
            Sam2Goldens.AssertMaskMatches(expected, c.Mask, c.Logits, $"{where} multimask token {c.Index}");
            Sam2Goldens.AssertLowResMatches(expected.GetProperty("lowRes"), c.LowResLogits, 1e-4, $"{where} multimask token {c.Index}");
        }

        // SAM2ImagePredictor(multimask_output=False): the dynamic single-mask rule, the SDK's default.
        SegmentationResult single = _fixture.Model.Decode(embedding, prompt, new DecodeOptions { ReturnLogits = true });
        JsonElement singleMask = golden.GetProperty("singleMask");
        Assert.Equal(MaskSelection.DynamicMultimaskViaStability, single.Selection);
        Assert.Equal(singleMask.GetProperty("tokens")[0].GetInt32(), single.MaskIndex);
        Assert.Equal(singleMask.GetProperty("iou")[0].GetDouble(), single.PredictedIou, 1e-5);
        Assert.Single(single.Candidates);
        JsonElement singleExpected = singleMask.GetProperty("masks")[0];
        Sam2Goldens.AssertMaskMatches(singleExpected, single.Mask, single.Logits, $"{where} single");
        Sam2Goldens.AssertLowResMatches(singleExpected.GetProperty("lowRes"), single.LowResLogits, 1e-4, $"{where} single");
        Assert.Equal(single.Mask.Area, single.Area);
    }

    [Fact]
    public void Decode_DefaultOptions_SameMaskAsWithLogits()
    {
        JsonElement image = Sam2Goldens.Image("ISIC_0031023");
        ImageEmbedding embedding = _fixture.Embedding("ISIC_0031023");
        SegmentationPrompt prompt = Sam2Goldens.Prompt(image.GetProperty("prompts")[1]);

        SegmentationResult plain = _fixture.Model.Decode(embedding, prompt);
        SegmentationResult withLogits = _fixture.Model.Decode(embedding, prompt, new DecodeOptions { ReturnLogits = true });

        Assert.Null(plain.Logits);
        Assert.Equal(withLogits.Mask.Data.ToArray(), plain.Mask.Data.ToArray());
        Assert.Equal(withLogits.StabilityScore, plain.StabilityScore);
        Assert.Equal(withLogits.LowResLogits, plain.LowResLogits);
    }

    private SegmentationPrompt PromptWithMaskInput(JsonElement image, JsonElement golden, ImageEmbedding embedding)
    {
        SegmentationPrompt prompt = Sam2Goldens.Prompt(golden);
        if (golden.GetProperty("maskInputFrom").ValueKind != JsonValueKind.String)
        {
            return prompt;
        }

        // The mask prompt is the earlier prompt's single-mask low-res logits, clamped, as SAM2ImagePredictor returns them.
        string from = golden.GetProperty("maskInputFrom").GetString()!;
        JsonElement source = image.GetProperty("prompts").EnumerateArray().Single(p => p.GetProperty("name").GetString() == from);
        SegmentationResult earlier = _fixture.Model.Decode(embedding, Sam2Goldens.Prompt(source));
        return prompt.WithMaskInput(earlier.LowResLogits);
    }

    /// <summary>The fixture model, loaded through the factory, and one embedding per golden image.</summary>
    public sealed class Sam2Model : IDisposable
    {
        private readonly Dictionary<string, ImageEmbedding> _embeddings = [];
        private readonly Lock _gate = new();

        public ISegmentationModel Model { get; } = SegmentationModels.Load(Sam2Goldens.ModelFolder);

        public ImageEmbedding Embedding(string imageId)
        {
            lock (_gate)
            {
                if (!_embeddings.TryGetValue(imageId, out ImageEmbedding? embedding))
                {
                    ImageBuffer image = Sam2Goldens.LoadImage(Sam2Goldens.Image(imageId));
                    embedding = Model.Encode(image);
                    _embeddings[imageId] = embedding;
                }

                return embedding;
            }
        }

        public void Dispose()
        {
            foreach (ImageEmbedding e in _embeddings.Values)
            {
                e.Dispose();
            }

            Model.Dispose();
        }
    }
}
