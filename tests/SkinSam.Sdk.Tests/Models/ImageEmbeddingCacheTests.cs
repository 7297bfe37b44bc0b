using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Tests.Models;

/// <summary>The embedding cache over the real sam-tiny fixture (one embedding is 4 MiB).</summary>
public sealed class ImageEmbeddingCacheTests : IDisposable
{
    private const long EmbeddingBytes = (256 * 64 * 64 * sizeof(float)) + ImageEmbeddingCache.EntryOverheadBytes;

    private readonly SamOnnxModel _model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));

    public void Dispose() => _model.Dispose();

    private static ImageBuffer Image(int seed)
    {
        byte[] pixels = new byte[40 * 30 * 3];
        new Random(seed).NextBytes(pixels);
        return ImageBuffer.FromRgb24(pixels, 40, 30);
    }

    [Fact]
    public void GetOrEncode_SameImageTwice_EncodesOnceAndEqualsADirectEncode()
    {
        var cache = new ImageEmbeddingCache(10 * EmbeddingBytes);
        ImageBuffer image = Image(1);

        using ImageEmbedding first = cache.GetOrEncode(_model, image);
        using ImageEmbedding second = cache.GetOrEncode(_model, image);
        using ImageEmbedding direct = _model.Encode(image);

        Assert.Equal((1L, 1L, 1, EmbeddingBytes), (cache.Misses, cache.Hits, cache.Count, cache.SizeBytes));
        Assert.True(direct.Values.Span.SequenceEqual(second.Values.Span));
        var prompt = SegmentationPrompt.FromPoint(20, 15);
        Assert.True(_model.Decode(direct, prompt).Mask.Data.SequenceEqual(_model.Decode(second, prompt).Mask.Data));
    }

    [Fact]
    public void GetOrEncode_ReturnedEmbeddingDisposed_OthersAndTheCacheStayUsable()
    {
        var cache = new ImageEmbeddingCache(10 * EmbeddingBytes);
        ImageBuffer image = Image(2);
        ImageEmbedding first = cache.GetOrEncode(_model, image);
        first.Dispose();

        using ImageEmbedding again = cache.GetOrEncode(_model, image);
        using ImageEmbedding direct = _model.Encode(image);
        Assert.False(again.IsDisposed);
        var prompt = SegmentationPrompt.FromPoint(3, 3);
        Assert.True(_model.Decode(direct, prompt).Mask.Data.SequenceEqual(_model.Decode(again, prompt).Mask.Data));
        Assert.Equal(1L, cache.Hits);
    }

    [Fact]
    public void GetOrEncode_SameContentInAnotherBuffer_Hits()
    {
        var cache = new ImageEmbeddingCache(10 * EmbeddingBytes);
        ImageBuffer a = Image(3);
        byte[] padded = new byte[(40 * 3 + 8) * 30];
        for (int y = 0; y < 30; y++)
        {
            a.Pixels.Span.Slice(y * 120, 120).CopyTo(padded.AsSpan(y * 128));
        }

        using ImageEmbedding e1 = cache.GetOrEncode(_model, a);
        using ImageEmbedding e2 = cache.GetOrEncode(_model, new ImageBuffer(padded, 40, 30, PixelFormat.Rgb24, 128));

        Assert.Equal(ImageEmbeddingCache.ComputeImageKey(a), ImageEmbeddingCache.ComputeImageKey(new ImageBuffer(padded, 40, 30, PixelFormat.Rgb24, 128)));
        Assert.Equal((1L, 1L), (cache.Misses, cache.Hits));
    }

    [Fact]
    public void GetOrEncode_OverCapacity_EvictsTheLeastRecentlyUsed()
    {
        var cache = new ImageEmbeddingCache(2 * EmbeddingBytes);
        cache.GetOrEncode(_model, Image(10)).Dispose();
        cache.GetOrEncode(_model, Image(11)).Dispose();
        cache.GetOrEncode(_model, Image(10)).Dispose(); // 10 is now the most recent
        cache.GetOrEncode(_model, Image(12)).Dispose(); // evicts 11

        Assert.Equal(2, cache.Count);
        Assert.Equal(2 * EmbeddingBytes, cache.SizeBytes);
        long misses = cache.Misses;
        cache.GetOrEncode(_model, Image(10)).Dispose();
        Assert.Equal(misses, cache.Misses);
        cache.GetOrEncode(_model, Image(11)).Dispose();
        Assert.Equal(misses + 1, cache.Misses);
    }

    [Fact]
    public void GetOrEncode_EmbeddingLargerThanCapacity_ReturnedButNotKept()
    {
        var cache = new ImageEmbeddingCache(1024);
        using ImageEmbedding e = cache.GetOrEncode(_model, Image(20));

        Assert.Equal(256 * 64 * 64, e.Values.Length);
        Assert.Equal((0, 0L), (cache.Count, cache.SizeBytes));
    }

    [Fact]
    public void GetOrEncode_OtherModelSameImage_IsAnotherEntryItsModelAccepts()
    {
        using SamOnnxModel hwc = SamOnnxModel.Load(Fixtures.Model("sam-tiny-hwc"));
        var cache = new ImageEmbeddingCache(10 * EmbeddingBytes);
        ImageBuffer image = Image(30);

        using ImageEmbedding a = cache.GetOrEncode(_model, image);
        using ImageEmbedding b = cache.GetOrEncode(hwc, image);

        Assert.Equal((2L, 2), (cache.Misses, cache.Count));
        Assert.Equal(hwc.Info.Fingerprint, b.ModelFingerprint);
        _ = hwc.Decode(b, SegmentationPrompt.FromPoint(5, 5));
        Assert.Throws<ArgumentException>(() => hwc.Decode(a, SegmentationPrompt.FromPoint(5, 5)));
    }

    [Fact]
    public async Task GetOrEncode_ManyThreadsFewImages_EncodesEachOnceAndAllResultsAreCorrect()
    {
        var cache = new ImageEmbeddingCache(3 * EmbeddingBytes);
        ImageBuffer[] images = [Image(40), Image(41), Image(42)];
        float[][] expected = images.Select(i =>
        {
            using ImageEmbedding e = _model.Encode(i);
            return e.Values.ToArray();
        }).ToArray();

        using var start = new Barrier(8);
        Task[] workers = Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            start.SignalAndWait();
            for (int round = 0; round < 6; round++)
            {
                int k = (w + round) % images.Length;
                using ImageEmbedding e = cache.GetOrEncode(_model, images[k]);
                Assert.True(expected[k].AsSpan().SequenceEqual(e.Values.Span));
            }
        })).ToArray();
        await Task.WhenAll(workers);

        Assert.Equal(3L, cache.Misses);
        Assert.Equal(45L, cache.Hits);
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public void GetOrEncode_EncodeFails_NothingIsKeptAndTheNextCallRetries()
    {
        var cache = new ImageEmbeddingCache(10 * EmbeddingBytes);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => cache.GetOrEncode(_model, Image(50), cts.Token));
        Assert.Equal(0, cache.Count);
        using ImageEmbedding e = cache.GetOrEncode(_model, Image(50));
        Assert.Equal(1, cache.Count);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void Constructor_NonPositiveCapacity_ThrowsArgumentOutOfRange(long capacity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageEmbeddingCache(capacity));

    [Fact]
    public void Clear_DropsEntriesReturnedEmbeddingsStayUsable()
    {
        var cache = new ImageEmbeddingCache(10 * EmbeddingBytes);
        using ImageEmbedding e = cache.GetOrEncode(_model, Image(60));
        cache.Clear();

        Assert.Equal((0, 0L), (cache.Count, cache.SizeBytes));
        Assert.Equal(256 * 64 * 64, e.Values.Length);
    }
}
