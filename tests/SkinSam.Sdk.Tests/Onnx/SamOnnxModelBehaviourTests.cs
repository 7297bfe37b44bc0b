using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Tests.Onnx;

public sealed class SamOnnxModelBehaviourTests : IDisposable
{
    private readonly SamOnnxModel _model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
    private readonly ImageBuffer _image = Fixtures.LoadRgb(Fixtures.Images.First());

    public void Dispose() => _model.Dispose();

    [Theory]
    [InlineData(new[] { 0.1f, 0.5f, 0.9f, 0.3f }, 2, 2)]
    [InlineData(new[] { 0.1f, 0.5f, 0.9f, 0.3f }, 3, 0)]
    [InlineData(new[] { 0.95f, 0.5f, 0.9f, 0.3f }, 2, 2)]
    [InlineData(new[] { 0.1f, 0.5f, 0.5f, 0.3f }, 2, 1)]
    [InlineData(new[] { 0.7f }, 2, 0)]
    public void SelectMask_OfficialOnnx_FollowsPointCountRule(float[] iou, int rows, int expected) =>
        Assert.Equal(expected, SamOnnxModel.SelectMask(iou, rows, MaskSelection.OfficialOnnx));

    [Fact]
    public void SelectMask_OtherRules_PickFirstOrHighest()
    {
        float[] iou = [0.1f, 0.5f, 0.9f, 0.3f];
        Assert.Equal(0, SamOnnxModel.SelectMask(iou, 2, MaskSelection.PredictorFirstMask));
        Assert.Equal(2, SamOnnxModel.SelectMask(iou, 5, MaskSelection.HighestPredictedIou));
    }

    [Fact]
    public void Decode_PredictorFirstMask_ReturnsMaskZero()
    {
        using ImageEmbedding e = _model.Encode(_image);
        SegmentationResult r = _model.Decode(e, SegmentationPrompt.FromPoint(107, 74), new DecodeOptions { Selection = MaskSelection.PredictorFirstMask });
        Assert.Equal(0, r.MaskIndex);
        Assert.Single(r.Candidates);
        Assert.Null(r.Logits);
        Assert.Equal(256 * 256, r.LowResLogits.Length);
    }

    [Fact]
    public void DecodeBatch_SeveralBoxes_EqualsSeparateDecodes()
    {
        using ImageEmbedding e = _model.Encode(_image);
        SegmentationPrompt[] boxes = [SegmentationPrompt.FromBox(55, 18, 160, 130), SegmentationPrompt.FromBox(10, 10, 90, 80), SegmentationPrompt.FromBox(100, 60, 199, 149)];
        IReadOnlyList<SegmentationResult> batch = _model.DecodeBatch(e, boxes);
        Assert.Equal(3, batch.Count);
        for (int i = 0; i < boxes.Length; i++)
        {
            SegmentationResult single = _model.Decode(e, boxes[i]);
            Assert.Equal(single.Mask.Data.ToArray(), batch[i].Mask.Data.ToArray());
            Assert.Equal(single.PredictedIou, batch[i].PredictedIou);
        }
    }

    [Fact]
    public void Segment_EqualsEncodeThenDecode()
    {
        SegmentationPrompt prompt = SegmentationPrompt.FromBox(55, 18, 160, 130);
        SegmentationResult one = _model.Segment(_image, prompt);
        using ImageEmbedding e = _model.Encode(_image);
        SegmentationResult two = _model.Decode(e, prompt);
        Assert.Equal(two.Mask.Data.ToArray(), one.Mask.Data.ToArray());
    }

    // The library's calls are synchronous; an application offloads them as the interface documents.
    [Fact]
    public async Task OffloadedCalls_MatchSyncForms()
    {
        SegmentationPrompt prompt = SegmentationPrompt.FromPoint(107, 74);
        using ImageEmbedding e = await Task.Run(() => _model.Encode(_image));
        SegmentationResult a = await Task.Run(() => _model.Decode(e, prompt));
        SegmentationResult b = await Task.Run(() => _model.Segment(_image, prompt));
        Assert.Equal(a.Mask.Data.ToArray(), b.Mask.Data.ToArray());
        Assert.Equal(a.PredictedIou, b.PredictedIou);
    }

    [Fact]
    public async Task Encode_OffloadedWithCancelledToken_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Run(() => _model.Encode(_image, cts.Token), cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => _model.Encode(_image, cts.Token));
    }

    [Fact]
    public void Decode_EmptyPromptOnModelWithoutNoPromptMode_ThrowsInvalidPrompt()
    {
        using ImageEmbedding e = _model.Encode(_image);
        var ex = Assert.Throws<InvalidPromptException>(() => _model.Decode(e, SegmentationPrompt.None));
        Assert.Contains("supportsNoPrompt is false", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_EmbeddingOfAnotherModel_Throws()
    {
        using SamOnnxModel other = SamOnnxModel.Load(Fixtures.Model("sam-tiny-hwc"));
        using ImageEmbedding e = other.Encode(_image);
        var ex = Assert.Throws<ArgumentException>(() => _model.Decode(e, SegmentationPrompt.FromPoint(1, 1)));
        Assert.Contains("Expected an embedding made by this model", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'sam-tiny'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'sam-tiny-hwc'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_DisposedEmbedding_ThrowsObjectDisposed()
    {
        ImageEmbedding e = _model.Encode(_image);
        e.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _model.Decode(e, SegmentationPrompt.FromPoint(1, 1)));
    }

    [Fact]
    public void Calls_AfterDispose_ThrowObjectDisposed()
    {
        SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
        ImageEmbedding e = model.Encode(_image);
        model.Dispose();
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Encode(_image));
        Assert.Throws<ObjectDisposedException>(() => model.Decode(e, SegmentationPrompt.FromPoint(1, 1)));
    }

    [Fact]
    public void Encode_DefaultImageBuffer_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => _model.Encode(default));
        Assert.Contains("empty ImageBuffer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PointOutsideImage_ThrowsInvalidPromptNamingSize()
    {
        using ImageEmbedding e = _model.Encode(_image);
        var ex = Assert.Throws<InvalidPromptException>(() => _model.Decode(e, SegmentationPrompt.FromPoint(250, 10)));
        Assert.Contains("inside the 200x150 image", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decode_SixteenThreadsOnOneInstance_EqualsSequentialResults()
    {
        using ImageEmbedding e = _model.Encode(_image);
        SegmentationPrompt[] prompts = Enumerable.Range(0, 32)
            .Select(i => SegmentationPrompt.FromPoint(20 + (i * 5 % 170), 15 + (i * 7 % 120)))
            .ToArray();
        byte[][] sequential = prompts.Select(p => _model.Decode(e, p).Mask.Data.ToArray()).ToArray();

        var tasks = Enumerable.Range(0, 16).Select(t => Task.Run(() =>
        {
            for (int round = 0; round < 4; round++)
            {
                for (int i = 0; i < prompts.Length; i++)
                {
                    int k = (i + t) % prompts.Length;
                    Assert.Equal(sequential[k], _model.Decode(e, prompts[k]).Mask.Data.ToArray());
                }
            }
        }));
        await Task.WhenAll(tasks);
    }

    [Fact]
    public void Decode_ImageFormats_GiveSameMaskAsRgb()
    {
        byte[] rgb = _image.ToRgb24Array();
        byte[] bgra = new byte[_image.Width * _image.Height * 4];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            bgra[j] = rgb[i + 2];
            bgra[j + 1] = rgb[i + 1];
            bgra[j + 2] = rgb[i];
            bgra[j + 3] = 255;
        }

        var prompt = SegmentationPrompt.FromBox(55, 18, 160, 130);
        SegmentationResult a = _model.Segment(_image, prompt);
        SegmentationResult b = _model.Segment(new ImageBuffer(bgra, _image.Width, _image.Height, PixelFormat.Bgra32), prompt);
        Assert.Equal(a.Mask.Data.ToArray(), b.Mask.Data.ToArray());
    }
}
