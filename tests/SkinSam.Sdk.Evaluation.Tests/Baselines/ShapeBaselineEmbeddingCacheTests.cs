using SkinSam.Sdk.Evaluation.Baselines;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Evaluation.Tests.Baselines;

/// <summary>The embedding cache with a model whose embeddings hold no values (the baselines).</summary>
public sealed class ShapeBaselineEmbeddingCacheTests
{
    [Fact]
    public void GetOrEncode_EmbeddingsWithoutValues_StillCountAgainstTheCapacity()
    {
        using var baseline = new ShapeBaselineModel(BaselineShape.Box);
        var cache = new ImageEmbeddingCache(3 * ImageEmbeddingCache.EntryOverheadBytes);
        for (int i = 0; i < 10; i++)
        {
            byte[] pixels = new byte[20 * 10 * 3];
            pixels[i] = 1;
            using ImageEmbedding e = cache.GetOrEncode(baseline, ImageBuffer.FromRgb24(pixels, 20, 10));
            Assert.Equal(16, baseline.Decode(e, SegmentationPrompt.FromBox(1, 1, 5, 5)).Area);
        }

        Assert.Equal(3, cache.Count);
        Assert.Equal(3 * ImageEmbeddingCache.EntryOverheadBytes, cache.SizeBytes);
        Assert.Equal(10L, cache.Misses);
    }
}
