using SkinSam.Sdk.Models;

namespace SkinSam.Sdk.Tests.Models;

public sealed class ImageEmbeddingTests
{
    private static ImageEmbeddingTensor Tensor(int n = 6) => new("t", [2, n / 2], new float[n]);

    [Fact]
    public void Constructor_ValidArguments_KeepsNamedTensorsAndSizes()
    {
        var a = new ImageEmbeddingTensor("a", [1, 2, 3], Enumerable.Range(0, 6).Select(i => (float)i).ToArray());
        var b = new ImageEmbeddingTensor("b", [4], new float[] { 1, 2, 3, 4 });
        using var e = new ImageEmbedding("m", "sha256:00", 30, 20, 1024, 683, [a, b]);

        Assert.Equal(["a", "b"], e.Tensors.Select(t => t.Name));
        Assert.Equal([1, 2, 3], e.GetTensor("a").Shape);
        Assert.Equal(5f, e.Values.Span[5]);
        Assert.Equal(40, e.ValueBytes);
        Assert.Equal((30, 20, 1024, 683), (e.OriginalWidth, e.OriginalHeight, e.ResizedWidth, e.ResizedHeight));
        Assert.Contains("'b'", Assert.Throws<KeyNotFoundException>(() => e.GetTensor("c")).Message.Replace("b [4]", "'b'", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 20, 10, 10)]
    [InlineData(-5, 20, 10, 10)]
    [InlineData(30, 0, 10, 10)]
    [InlineData(30, 20, -1, 10)]
    [InlineData(30, 20, 10, 0)]
    [InlineData(70_000, 20, 10, 10)]
    public void Constructor_SizeOutOfRange_ThrowsArgumentOutOfRange(int ow, int oh, int rw, int rh)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ImageEmbedding("m", "f", ow, oh, rw, rh, [Tensor()]));
        Assert.Contains("Expected", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "f")]
    [InlineData("m", "")]
    [InlineData("m\n", "f")]
    public void Constructor_BadNameOrFingerprint_ThrowsArgumentException(string name, string fingerprint) =>
        Assert.Throws<ArgumentException>(() => new ImageEmbedding(name, fingerprint, 1, 1, 1, 1, [Tensor()]));

    [Fact]
    public void Constructor_DuplicateTensorNames_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ImageEmbedding("m", "f", 1, 1, 1, 1, [Tensor(), Tensor()]));
        Assert.Contains("'t' twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TensorConstructor_LengthDoesNotFillShape_ThrowsWithBothNumbers()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ImageEmbeddingTensor("image_embeddings", [1, 256, 64, 64], new float[1000]));
        Assert.Contains("Expected 1048576 values", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got 1000", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 0, 3 })]
    [InlineData(new[] { -1, 3 })]
    [InlineData(new int[0])]
    [InlineData(new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1 })]
    public void TensorConstructor_BadShape_ThrowsArgumentException(int[] shape) =>
        Assert.Throws<ArgumentException>(() => new ImageEmbeddingTensor("t", shape, new float[1]));

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void TensorConstructor_NonFiniteValue_ThrowsArgumentException(float bad)
    {
        float[] values = new float[8];
        values[5] = bad;
        var ex = Assert.Throws<ArgumentException>(() => new ImageEmbeddingTensor("t", [8], values));
        Assert.Contains("got 1 NaN or infinite of 8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensors_AfterDispose_ThrowObjectDisposed()
    {
        ImageEmbeddingTensor t = Tensor();
        var e = new ImageEmbedding("m", "f", 1, 1, 1, 1, [t]);
        e.Dispose();
        Assert.Throws<ObjectDisposedException>(() => e.Tensors);
        Assert.Throws<ObjectDisposedException>(() => e.Values);
        Assert.Throws<ObjectDisposedException>(() => t.Values);
    }
}
