using System.Buffers.Binary;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Tests.Models;

/// <summary>Saving, loading and model fingerprints, over the real sam-tiny fixtures.</summary>
public sealed class ImageEmbeddingFormatTests : IDisposable
{
    private readonly SamOnnxModel _model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
    private readonly ImageBuffer _image = Fixtures.LoadRgb(Fixtures.Images.First());

    public void Dispose() => _model.Dispose();

    private byte[] SavedEmbedding()
    {
        using ImageEmbedding e = _model.Encode(_image);
        using var stream = new MemoryStream();
        e.Save(stream);
        return stream.ToArray();
    }

    [Fact]
    public void SaveLoad_RoundTrip_KeepsEverythingAndDecodesIdentically()
    {
        using ImageEmbedding original = _model.Encode(_image);
        using var stream = new MemoryStream();
        original.Save(stream);
        stream.Position = 0;
        using ImageEmbedding loaded = ImageEmbedding.Load(stream);

        Assert.Equal(stream.Length, stream.Position);
        Assert.Equal(original.ModelFingerprint, loaded.ModelFingerprint);
        Assert.Equal("sam-tiny", loaded.ModelName);
        Assert.Equal((original.OriginalWidth, original.OriginalHeight, original.ResizedWidth, original.ResizedHeight), (loaded.OriginalWidth, loaded.OriginalHeight, loaded.ResizedWidth, loaded.ResizedHeight));
        ImageEmbeddingTensor t = Assert.Single(loaded.Tensors);
        Assert.Equal("image_embeddings", t.Name);
        Assert.Equal([1, 256, 64, 64], t.Shape);
        Assert.True(original.Values.Span.SequenceEqual(loaded.Values.Span));

        var prompt = SegmentationPrompt.FromBox(20, 20, 120, 100);
        SegmentationResult a = _model.Decode(original, prompt, new DecodeOptions { ReturnLogits = true });
        SegmentationResult b = _model.Decode(loaded, prompt, new DecodeOptions { ReturnLogits = true });
        Assert.True(a.Mask.Data.SequenceEqual(b.Mask.Data));
        Assert.True(a.Logits!.AsSpan().SequenceEqual(b.Logits!));
    }

    [Fact]
    public void Save_Header_IsTheDocumentedLayout()
    {
        byte[] bytes = SavedEmbedding();

        Assert.Equal("SKSAMEMB"u8.ToArray(), bytes[..8]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)));
        uint header = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        Assert.Equal(16L + header + (256 * 64 * 64 * 4) + 32, bytes.LongLength);
    }

    [Fact]
    public void Decode_EmbeddingOfAnotherInstanceOfTheSameFolder_Decodes()
    {
        using SamOnnxModel second = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
        using ImageEmbedding e = _model.Encode(_image);

        Assert.Equal(_model.Info.Fingerprint, second.Info.Fingerprint);
        Assert.StartsWith("sha256:", second.Info.Fingerprint, StringComparison.Ordinal);
        var prompt = SegmentationPrompt.FromPoint(60, 50);
        Assert.True(_model.Decode(e, prompt).Mask.Data.SequenceEqual(second.Decode(e, prompt).Mask.Data));
    }

    [Fact]
    public void Decode_LoadedEmbeddingOnAModelWithOtherWeights_ThrowsNamingBothModels()
    {
        using SamOnnxModel single = SamOnnxModel.Load(Fixtures.Model("sam-tiny-single"));
        using ImageEmbedding loaded = ImageEmbedding.Load(new MemoryStream(SavedEmbedding()));

        Assert.NotEqual(_model.Info.Fingerprint, single.Info.Fingerprint);
        var ex = Assert.Throws<ArgumentException>(() => single.Decode(loaded, SegmentationPrompt.FromPoint(60, 50)));
        Assert.Contains("'sam-tiny-single'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'sam-tiny'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_HandBuiltEmbeddingWithWrongFrame_ThrowsArgumentException()
    {
        using ImageEmbedding e = _model.Encode(_image);
        var t = new ImageEmbeddingTensor("image_embeddings", [1, 256, 64, 64], e.Values.ToArray());
        using var wrong = new ImageEmbedding("sam-tiny", _model.Info.Fingerprint, e.OriginalWidth, e.OriginalHeight, 1024, 1024, [t]);

        var ex = Assert.Throws<ArgumentException>(() => _model.Decode(wrong, SegmentationPrompt.FromPoint(5, 5)));
        Assert.Contains($"got 1024x1024", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_HandBuiltEmbeddingWithWrongTensor_ThrowsArgumentException()
    {
        using var wrong = new ImageEmbedding("sam-tiny", _model.Info.Fingerprint, 100, 100, 1024, 1024, [new ImageEmbeddingTensor("image_embeddings", [1, 256, 32, 32], new float[256 * 32 * 32])]);

        var ex = Assert.Throws<ArgumentException>(() => _model.Decode(wrong, SegmentationPrompt.FromPoint(5, 5)));
        Assert.Contains("[1, 256, 64, 64]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EveryTruncation_ThrowsFormatException()
    {
        byte[] bytes = SavedEmbedding();
        foreach (int length in new[] { 0, 3, 8, 15, 16, 40, 80, bytes.Length / 2, bytes.Length - 33, bytes.Length - 1 })
        {
            var ex = Assert.Throws<ImageEmbeddingFormatException>(() => ImageEmbedding.Load(new MemoryStream(bytes[..length])));
            Assert.Contains("Expected", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_TruncatedNonSeekableStream_ThrowsFormatException()
    {
        byte[] bytes = SavedEmbedding();
        using var pipe = new ForwardOnlyStream(bytes[..(bytes.Length - 100)]);

        var ex = Assert.Throws<ImageEmbeddingFormatException>(() => ImageEmbedding.Load(pipe));
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(1_000_000)]
    [InlineData(-1)]
    public void Load_OneFlippedByte_ThrowsChecksumMismatch(int offset)
    {
        byte[] bytes = SavedEmbedding();
        int at = offset < 0 ? bytes.Length - 1 : offset;
        bytes[at] ^= 0x40;

        var ex = Assert.Throws<ImageEmbeddingFormatException>(() => ImageEmbedding.Load(new MemoryStream(bytes)));
        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AnImageFile_ThrowsNamingTheMagic()
    {
        byte[] jpeg = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "images", "ISIC_0024698.jpg"));

        var ex = Assert.Throws<ImageEmbeddingFormatException>(() => ImageEmbedding.Load(new MemoryStream(jpeg)));
        Assert.Contains("SKSAMEMB", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FFD8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NewerVersion_ThrowsNamingTheVersion()
    {
        byte[] bytes = SavedEmbedding();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 2);

        var ex = Assert.Throws<ImageEmbeddingFormatException>(() => ImageEmbedding.Load(new MemoryStream(bytes)));
        Assert.Contains("version 1; got version 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HostileShapeInHeader_ThrowsBeforeAllocating()
    {
        byte[] bytes = SavedEmbedding();
        uint header = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        int lastDim = 16 + (int)header - 4;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(lastDim), int.MaxValue);

        var ex = Assert.Throws<ImageEmbeddingFormatException>(() => ImageEmbedding.Load(new MemoryStream(bytes)));
        Assert.Contains("at most 67108864 values", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HugeHeaderLength_ThrowsFormatException()
    {
        byte[] bytes = SavedEmbedding();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), uint.MaxValue);

        Assert.Throws<ImageEmbeddingFormatException>(() => ImageEmbedding.Load(new MemoryStream(bytes)));
    }

    [Fact]
    public void Save_DisposedEmbedding_ThrowsObjectDisposed()
    {
        ImageEmbedding e = _model.Encode(_image);
        e.Dispose();
        Assert.Throws<ObjectDisposedException>(() => e.Save(new MemoryStream()));
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
