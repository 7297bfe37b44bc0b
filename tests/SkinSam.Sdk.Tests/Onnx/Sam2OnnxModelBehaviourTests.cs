using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Tests.Onnx;

/// <summary>Sam2OnnxModel's behaviour beyond the goldens: selection rules, clean-up, embeddings as data, errors, threads, cancellation.</summary>
public sealed class Sam2OnnxModelBehaviourTests : IDisposable
{
    private readonly Sam2OnnxModel _model = Sam2OnnxModel.Load(Sam2Goldens.ModelFolder);
    private readonly ImageBuffer _image = Sam2Goldens.LoadImage(Sam2Goldens.Image("ISIC_0031023"));

    public void Dispose() => _model.Dispose();

    [Fact]
    public void Decode_PredictorFirstMask_ReturnsToken0()
    {
        using ImageEmbedding e = _model.Encode(_image);
        SegmentationResult r = _model.Decode(e, SegmentationPrompt.FromPoint(100, 75), new DecodeOptions { Selection = MaskSelection.PredictorFirstMask });
        Assert.Equal(0, r.MaskIndex);
        Assert.Equal(MaskSelection.PredictorFirstMask, r.Selection);
        Assert.Single(r.Candidates);
    }

    [Fact]
    public void Decode_HighestPredictedIou_PicksTheBestOfAllFourTokens()
    {
        using ImageEmbedding e = _model.Encode(_image);
        SegmentationPrompt box = SegmentationPrompt.FromBox(50, 37, 150, 112);
        SegmentationResult all = _model.Decode(e, box, new DecodeOptions { MultimaskOutput = true });
        SegmentationResult r = _model.Decode(e, box, new DecodeOptions { Selection = MaskSelection.HighestPredictedIou });
        Assert.Equal(all.Candidates.MaxBy(c => c.PredictedIou)!.Index, r.MaskIndex);
    }

    [Theory]
    [InlineData(new[] { 0.9f, 0.1f, 0.5f, 0.3f }, 1f, 0)]
    [InlineData(new[] { 0.9f, 0.1f, 0.5f, 0.3f }, -1f, 0)]
    [InlineData(new[] { 0.9f, 0.1f, 0.5f, 0.3f }, 0f, 2)]
    [InlineData(new[] { 0.1f, 0.5f, 0.5f, 0.3f }, 0f, 1)]
    public void Select_DynamicMultimask_KeepsAStableToken0AndFallsBackToTheBestOf1To3(float[] iou, float token0Logit, int expected)
    {
        // Token 0's logits: all equal, so its stability is 1 (all above +0.05 or all below -0.05) unless they sit at 0
        // (count(> 0.05) = 0 over count(> -0.05) = all: stability 0).
        var lowRes = new float[4 * 16];
        lowRes.AsSpan(0, 16).Fill(token0Logit);
        Assert.Equal(expected, Sam2MaskRules.Select(MaskSelection.DynamicMultimaskViaStability, [0, 1, 2, 3], iou, lowRes, 16));
    }

    [Fact]
    public void LowResStability_BorderlineCounts_FollowTheDeltaOf005()
    {
        float[] logits = [0.06f, 0.04f, -0.04f, -0.06f, 1f];
        Assert.Equal(2f / 4f, Sam2MaskRules.LowResStability(logits));
        Assert.Equal(1f, Sam2MaskRules.LowResStability([-1f, -2f]));
    }

    [Fact]
    public void BuildPointInputs_GraphThatAppendsPadding_GetsNoPaddingRow()
    {
        var frame = new ImageFrame(200, 100, 1024, 1024);
        var prompt = new SegmentationPrompt { Box = new PromptBox(10, 20, 100, 50), Points = [new PromptPoint(50, 25)] };

        (float[] withPad, float[] labels) = Sam2MaskRules.BuildPointInputs(prompt, frame, graphAppendsPadding: false);
        (float[] noPad, float[] labels2) = Sam2MaskRules.BuildPointInputs(prompt, frame, graphAppendsPadding: true);

        Assert.Equal([2f, 3f, 1f, -1f], labels);
        Assert.Equal([10f / 200 * 1024, 20f / 100 * 1024, 100f / 200 * 1024, 50f / 100 * 1024, 50f / 200 * 1024, 25f / 100 * 1024, 0f, 0f], withPad);
        Assert.Equal([2f, 3f, 1f], labels2);
        Assert.Equal(withPad[..6], noPad);
    }

    [Fact]
    public void Decode_HugeSprinkleArea_RemovesEveryForegroundRegion()
    {
        using ImageEmbedding e = _model.Encode(_image);
        SegmentationPrompt box = SegmentationPrompt.FromBox(50, 37, 150, 112);
        SegmentationResult plain = _model.Decode(e, box);
        SegmentationResult cleaned = _model.Decode(e, box, new DecodeOptions { MaxSprinkleArea = 256 * 256, ReturnLogits = true });

        Assert.True(plain.Area > 0);
        Assert.Equal(plain.MaskIndex, cleaned.MaskIndex);
        Assert.Equal(0, cleaned.Area);
        Assert.All(cleaned.Logits!, v => Assert.True(v <= 0f, $"logit {v}"));

        // The low-res logits handed back are the decoder's (clamped), not the cleaned ones.
        Assert.Equal(plain.LowResLogits, cleaned.LowResLogits);
    }

    [Fact]
    public void Decode_HugeHoleArea_FillsEveryBackgroundRegion()
    {
        using ImageEmbedding e = _model.Encode(_image);
        SegmentationResult cleaned = _model.Decode(e, SegmentationPrompt.FromBox(50, 37, 150, 112), new DecodeOptions { MaxHoleArea = 256 * 256 });
        Assert.Equal(_image.Width * _image.Height, cleaned.Area);
    }

    [Fact]
    public void Decode_SmallHoleArea_OnlyAddsForeground()
    {
        using ImageEmbedding e = _model.Encode(_image);
        SegmentationPrompt points = SegmentationPrompt.FromPoints(new PromptPoint(100, 75), new PromptPoint(40, 37, PointLabel.Negative));
        SegmentationResult plain = _model.Decode(e, points);
        SegmentationResult cleaned = _model.Decode(e, points, new DecodeOptions { MaxHoleArea = 8 });

        ReadOnlySpan<byte> a = plain.Mask.Data, b = cleaned.Mask.Data;
        for (int i = 0; i < a.Length; i++)
        {
            Assert.False(a[i] != 0 && b[i] == 0, $"pixel {i} was foreground and became background");
        }
    }

    [Fact]
    public void Cleanup_HoleAndSprinkle_ReplaceComponentsUpToTheirAreaWith8Connectivity()
    {
        // 6 x 6: a foreground block with a 2-pixel hole, a diagonal pair of islands (one 8-connected component of 2).
        float[] logits =
        [
            -1, -1, -1, -1, -1, -1,
            -1, 5, 5, 5, 5, -1,
            -1, 5, -2, -2, 5, -1,
            -1, 5, 5, 5, 5, -1,
            -1, -1, -1, -1, 3, -1,
            -1, -1, -1, -1, -1, 3,
        ];

        var holesOnly = new float[36];
        Sam2MaskCleanup.Apply(logits, 6, 0f, maxHoleArea: 2, maxSprinkleArea: 0, holesOnly);
        Assert.Equal(10f, holesOnly[14]);
        Assert.Equal(10f, holesOnly[15]);
        Assert.Equal(-1f, holesOnly[0]);

        var tooSmall = new float[36];
        Sam2MaskCleanup.Apply(logits, 6, 0f, maxHoleArea: 1, maxSprinkleArea: 0, tooSmall);
        Assert.Equal(logits, tooSmall);

        var both = new float[36];
        Sam2MaskCleanup.Apply(logits, 6, 0f, maxHoleArea: 2, maxSprinkleArea: 13, both);
        Assert.Equal(10f, both[14]);

        // The block (10 pixels) and the diagonal pair touch (8-connected): 12 pixels, removed with a limit of 13.
        Assert.Equal(-10f, both[7]);
        Assert.Equal(-10f, both[35]);

        var keep = new float[36];
        Sam2MaskCleanup.Apply(logits, 6, 0f, maxHoleArea: 0, maxSprinkleArea: 11, keep);
        Assert.Equal(logits, keep);
    }

    [Fact]
    public void Embedding_SavedAndLoaded_DecodesToTheSameMask()
    {
        using ImageEmbedding e = _model.Encode(_image);
        using var stream = new MemoryStream();
        e.Save(stream);
        stream.Position = 0;
        using ImageEmbedding loaded = ImageEmbedding.Load(stream);

        SegmentationPrompt box = SegmentationPrompt.FromBox(50, 37, 150, 112);
        SegmentationResult a = _model.Decode(e, box);
        SegmentationResult b = _model.Decode(loaded, box);

        Assert.Equal(e.Tensors.Select(t => t.Name), loaded.Tensors.Select(t => t.Name));
        Assert.Equal(a.Mask.Data.ToArray(), b.Mask.Data.ToArray());
        Assert.Equal(a.PredictedIou, b.PredictedIou);
    }

    [Fact]
    public void Decode_EmbeddingOfASamV1Model_ThrowsArgumentExceptionNamingBothModels()
    {
        using SamOnnxModel v1 = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
        using ImageEmbedding e = v1.Encode(_image);
        var ex = Assert.Throws<ArgumentException>(() => _model.Decode(e, SegmentationPrompt.FromPoint(10, 10)));
        Assert.Contains("Expected an embedding made by this model ('sam2-tiny'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_HandBuiltEmbeddingWithOneTensor_ThrowsArgumentExceptionListingTheThree()
    {
        using var e = new ImageEmbedding("sam2-tiny", _model.Info.Fingerprint, 200, 150, 1024, 1024, [new ImageEmbeddingTensor("image_embed", [1, 256, 64, 64], new float[256 * 64 * 64])]);
        var ex = Assert.Throws<ArgumentException>(() => _model.Decode(e, SegmentationPrompt.FromPoint(10, 10)));
        Assert.Contains("Expected the SAM 2.1 tensors image_embed [1, 256, 64, 64], high_res_feats_0 [1, 32, 256, 256], high_res_feats_1 [1, 64, 128, 128]; got image_embed [1, 256, 64, 64]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_EmptyPrompt_ThrowsInvalidPromptException()
    {
        using ImageEmbedding e = _model.Encode(_image);
        var ex = Assert.Throws<InvalidPromptException>(() => _model.Decode(e, SegmentationPrompt.None));
        Assert.Contains("Expected at least one point, a box or a mask input", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_OfficialOnnxSelection_ThrowsNotSupportedNamingTheSam2Rules()
    {
        using ImageEmbedding e = _model.Encode(_image);
        var ex = Assert.Throws<NotSupportedException>(() => _model.Decode(e, SegmentationPrompt.FromPoint(10, 10), new DecodeOptions { Selection = MaskSelection.OfficialOnnx }));
        Assert.Contains("got OfficialOnnx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NegativeHoleArea_ThrowsArgumentOutOfRange()
    {
        using ImageEmbedding e = _model.Encode(_image);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _model.Decode(e, SegmentationPrompt.FromPoint(10, 10), new DecodeOptions { MaxHoleArea = -1 }));
        Assert.Contains("got -1 and 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PointOutsideTheImage_ThrowsInvalidPromptException()
    {
        using ImageEmbedding e = _model.Encode(_image);
        Assert.Throws<InvalidPromptException>(() => _model.Decode(e, SegmentationPrompt.FromPoint(201, 10)));
    }

    [Fact]
    public void SamV1Model_Sam2OnlyOptions_ThrowNotSupported()
    {
        using SamOnnxModel v1 = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
        using ImageEmbedding e = v1.Encode(_image);
        Assert.Throws<NotSupportedException>(() => v1.Decode(e, SegmentationPrompt.FromPoint(10, 10), new DecodeOptions { Selection = MaskSelection.DynamicMultimaskViaStability }));
        Assert.Throws<NotSupportedException>(() => v1.Decode(e, SegmentationPrompt.FromPoint(10, 10), new DecodeOptions { MaxHoleArea = 4 }));
    }

    [Fact]
    public async Task EncodeAndDecode_CancelledToken_ThrowOperationCanceled()
    {
        using ImageEmbedding e = _model.Encode(_image);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        Assert.ThrowsAny<OperationCanceledException>(() => _model.Encode(_image, cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => _model.Decode(e, SegmentationPrompt.FromPoint(10, 10), cancellationToken: cts.Token));
    }

    [Fact]
    public void Calls_AfterDispose_ThrowObjectDisposed()
    {
        Sam2OnnxModel model = Sam2OnnxModel.Load(Sam2Goldens.ModelFolder);
        using ImageEmbedding e = model.Encode(_image);
        model.Dispose();
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Encode(_image));
        Assert.Throws<ObjectDisposedException>(() => model.Decode(e, SegmentationPrompt.FromPoint(10, 10)));
    }

    [Fact]
    public async Task Decode_FromManyThreads_EqualsSequentialResults()
    {
        using ImageEmbedding e = _model.Encode(_image);
        SegmentationPrompt[] prompts = [SegmentationPrompt.FromBox(50, 37, 150, 112), SegmentationPrompt.FromPoint(100, 75), SegmentationPrompt.FromBox(0, 0, 200, 150)];
        byte[][] expected = [.. prompts.Select(p => _model.Decode(e, p).Mask.Data.ToArray())];

        await Parallel.ForAsync(0, 24, async (i, _) =>
        {
            await Task.Yield();
            SegmentationResult r = _model.Decode(e, prompts[i % prompts.Length]);
            Assert.Equal(expected[i % prompts.Length], r.Mask.Data.ToArray());
        });
    }

    [Fact]
    public void EveryPath_GivesItsPooledBuffersBack()
    {
        var pool = new TensorBufferPool(tracking: true);
        using (Sam2OnnxModel model = Sam2OnnxModel.Load(Sam2Goldens.ModelFolder, null, pool))
        {
            using (ImageEmbedding e = model.Encode(_image))
            {
                model.Decode(e, SegmentationPrompt.FromBox(50, 37, 150, 112), new DecodeOptions { MultimaskOutput = true });
                model.Decode(e, SegmentationPrompt.FromPoint(100, 75), new DecodeOptions { MaxHoleArea = 4, MaxSprinkleArea = 4 });
                Assert.Throws<InvalidPromptException>(() => model.Decode(e, SegmentationPrompt.FromPoint(500, 75)));
                Assert.Equal(1, pool.Outstanding);
            }

            Assert.Equal(0, pool.Outstanding);
        }
    }
}
