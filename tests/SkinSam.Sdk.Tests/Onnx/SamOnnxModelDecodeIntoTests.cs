using System.Text.Json;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;
using Xunit.Abstractions;

namespace SkinSam.Sdk.Tests.Onnx;

/// <summary>
/// <see cref="SamOnnxModel.DecodeInto"/>: the same mask and scores as <see cref="SamOnnxModel.Decode"/>, written into
/// caller-owned <see cref="DecodeBuffers"/>, with under 1 KB allocated per call in steady state.
/// </summary>
public sealed class SamOnnxModelDecodeIntoTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models() => ["sam-tiny", "sam-tiny-single", "sam-tiny-lowres", "sam-tiny-batch", "sam-official-layout"];

    [Theory]
    [MemberData(nameof(Models))]
    public void DecodeInto_FixturePrompts_EqualsDecode(string modelName)
    {
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model(modelName));
        JsonElement image = Fixtures.Images.First();
        using ImageEmbedding embedding = model.Encode(Fixtures.LoadRgb(image));
        using var buffers = new DecodeBuffers(embedding.OriginalWidth, embedding.OriginalHeight);
        int w = embedding.OriginalWidth, h = embedding.OriginalHeight;
        SegmentationPrompt[] prompts =
        [
            SegmentationPrompt.FromPoint(w / 2f, h / 2f),
            SegmentationPrompt.FromBox(w * 0.2f, h * 0.2f, w * 0.8f, h * 0.7f),
            new SegmentationPrompt { Box = new PromptBox(w * 0.1f, h * 0.1f, w * 0.9f, h * 0.9f), Points = [new PromptPoint(w / 2f, h / 2f), new PromptPoint(1, 1, PointLabel.Negative)] },
            SegmentationPrompt.FromPoint(w / 3f, h / 3f),
        ];
        var fill = new DecodeOptions { FillHoles = true, LargestComponentOnly = true };
        foreach (DecodeOptions? options in new DecodeOptions?[] { null, fill })
        {
            SegmentationResult previous = model.Decode(embedding, prompts[0], options);
            foreach (SegmentationPrompt prompt in prompts.Append(prompts[1].WithMaskInput(previous.LowResLogits)).Append(prompts[0]))
            {
                SegmentationResult expected = model.Decode(embedding, prompt, options);
                DecodeSummary summary = model.DecodeInto(embedding, prompt, buffers, options);

                Assert.Equal(expected.Mask.Data.ToArray(), buffers.Mask.Data.ToArray());
                Assert.Equal(expected.LowResLogits, buffers.LowResLogits.ToArray());
                Assert.Equal(new DecodeSummary(expected.MaskIndex, expected.PredictedIou, expected.StabilityScore, expected.Selection, expected.Area, expected.BoundingBox, summary.Elapsed), summary);
            }
        }
    }

    [Fact]
    public void DecodeInto_SteadyState_AllocatesUnderOneKilobytePerCall()
    {
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
        using ImageEmbedding embedding = model.Encode(Fixtures.LoadRgb(Fixtures.Images.First()));
        using var buffers = new DecodeBuffers(embedding.OriginalWidth, embedding.OriginalHeight);
        SegmentationPrompt box = SegmentationPrompt.FromBox(20, 20, embedding.OriginalWidth - 20, embedding.OriginalHeight - 20);
        SegmentationPrompt point = SegmentationPrompt.FromPoint(embedding.OriginalWidth / 2f, embedding.OriginalHeight / 2f);

        // Warm up past tiered compilation's call-count threshold (30 calls) and fill the pools and the row cache.
        for (int i = 0; i < 100; i++)
        {
            _ = model.DecodeInto(embedding, (i & 1) == 0 ? box : point, buffers);
        }

        const int Calls = 200;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Calls; i++)
        {
            _ = model.DecodeInto(embedding, (i & 1) == 0 ? box : point, buffers);
        }

        long perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / Calls;

        // For scale: the simple API allocates the mask, the low-res copy and the result every call.
        long simpleBefore = GC.GetAllocatedBytesForCurrentThread();
        _ = model.Decode(embedding, box);
        long simple = GC.GetAllocatedBytesForCurrentThread() - simpleBefore;
        output.WriteLine($"DecodeInto: {perCall} B per call in steady state; Decode: {simple} B.");
        Assert.True(perCall < 1024, $"Expected under 1,024 bytes allocated per DecodeInto call in steady state; got {perCall}.");
    }

    [Fact]
    public void DecodeInto_BuffersOfAnotherSize_ThrowsArgumentException()
    {
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
        using ImageEmbedding embedding = model.Encode(Fixtures.LoadRgb(Fixtures.Images.First()));
        using var buffers = new DecodeBuffers(embedding.OriginalWidth + 1, embedding.OriginalHeight);

        var ex = Assert.Throws<ArgumentException>(() => model.DecodeInto(embedding, SegmentationPrompt.FromPoint(5, 5), buffers));
        Assert.Contains($"original size {embedding.OriginalWidth}x{embedding.OriginalHeight}; got {embedding.OriginalWidth + 1}x{embedding.OriginalHeight}", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void DecodeInto_CandidatesOrLogitsAsked_ThrowsArgumentException(bool multimask, bool logits)
    {
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
        using ImageEmbedding embedding = model.Encode(Fixtures.LoadRgb(Fixtures.Images.First()));
        using var buffers = new DecodeBuffers(embedding.OriginalWidth, embedding.OriginalHeight);

        var ex = Assert.Throws<ArgumentException>(() => model.DecodeInto(embedding, SegmentationPrompt.FromPoint(5, 5), buffers, new DecodeOptions { MultimaskOutput = multimask, ReturnLogits = logits }));
        Assert.Contains("Use Decode for candidates and logits", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeInto_DisposedBuffersOrEmbedding_ThrowsObjectDisposed()
    {
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
        ImageEmbedding embedding = model.Encode(Fixtures.LoadRgb(Fixtures.Images.First()));
        var buffers = new DecodeBuffers(embedding.OriginalWidth, embedding.OriginalHeight);
        _ = model.DecodeInto(embedding, SegmentationPrompt.FromPoint(5, 5), buffers);
        embedding.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.DecodeInto(embedding, SegmentationPrompt.FromPoint(5, 5), buffers));
        buffers.Dispose();
        buffers.Dispose();
        using ImageEmbedding other = model.Encode(Fixtures.LoadRgb(Fixtures.Images.First()));
        Assert.Throws<ObjectDisposedException>(() => model.DecodeInto(other, SegmentationPrompt.FromPoint(5, 5), buffers));
    }

    [Fact]
    public void DecodeInto_BuffersMovedToAnotherModelAndEmbedding_EqualsDecode()
    {
        using SamOnnxModel first = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
        using SamOnnxModel second = SamOnnxModel.Load(Fixtures.Model("sam-tiny-single"));
        ImageBuffer image = Fixtures.LoadRgb(Fixtures.Images.First());
        using ImageEmbedding a = first.Encode(image);
        using ImageEmbedding b = second.Encode(image);
        using var buffers = new DecodeBuffers(a.OriginalWidth, a.OriginalHeight);
        SegmentationPrompt prompt = SegmentationPrompt.FromPoint(a.OriginalWidth / 2f, a.OriginalHeight / 2f);

        _ = first.DecodeInto(a, prompt, buffers);
        DecodeSummary onSecond = second.DecodeInto(b, prompt, buffers);
        SegmentationResult expected = second.Decode(b, prompt);
        Assert.Equal(expected.Mask.Data.ToArray(), buffers.Mask.Data.ToArray());
        Assert.Equal(expected.PredictedIou, onSecond.PredictedIou);

        // An embedding of another model is refused even after the buffers hold one of this model.
        Assert.Throws<ArgumentException>(() => second.DecodeInto(a, prompt, buffers));
    }

    [Fact]
    public void DecodeInto_ModelWithoutItsOwn_DefaultCopiesDecode()
    {
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
        ISegmentationModel plain = new DecodeOnly(model);
        using ImageEmbedding embedding = model.Encode(Fixtures.LoadRgb(Fixtures.Images.First()));
        using var buffers = new DecodeBuffers(embedding.OriginalWidth, embedding.OriginalHeight);
        SegmentationPrompt prompt = SegmentationPrompt.FromBox(10, 10, 60, 50);

        DecodeSummary summary = plain.DecodeInto(embedding, prompt, buffers);

        SegmentationResult expected = model.Decode(embedding, prompt);
        Assert.Equal(expected.Mask.Data.ToArray(), buffers.Mask.Data.ToArray());
        Assert.Equal(expected.LowResLogits, buffers.LowResLogits.ToArray());
        Assert.Equal(expected.Area, summary.Area);
        Assert.Equal(expected.StabilityScore, summary.StabilityScore);
    }

    // An ISegmentationModel with only the required members, so DecodeInto is the interface's default.
    private sealed class DecodeOnly(SamOnnxModel inner) : ISegmentationModel
    {
        public ModelInfo Info => inner.Info;

        public ImageEmbedding Encode(ImageBuffer image, CancellationToken cancellationToken = default) => inner.Encode(image, cancellationToken);

        public SegmentationResult Decode(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeOptions? options = null, CancellationToken cancellationToken = default) =>
            inner.Decode(embedding, prompt, options, cancellationToken);

        public void Dispose()
        {
        }
    }
}
