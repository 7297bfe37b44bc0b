using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Imaging;

namespace SkinSam.Sdk.ImageSharp.Tests;

public sealed class ImageFileLoadAsyncTests
{
    [Fact]
    public async Task LoadAsync_StreamThatRefusesSynchronousReads_DecodesTheSamePixelsAsDecode()
    {
        byte[] png = Encode(new PngEncoder(), 64, 48);
        await using var stream = new AsyncOnlyStream(png);

        ImageBuffer image = await ImageFile.LoadAsync(stream, "upload.png", null, CancellationToken.None);

        ImageBuffer expected = ImageFile.Decode(png, "upload.png");
        Assert.Equal((64, 48), (image.Width, image.Height));
        Assert.Equal(expected.Pixels.ToArray(), image.Pixels.ToArray());
    }

    [Fact]
    public async Task LoadAsync_JpegCutTo40Percent_ThrowsUndecodable()
    {
        byte[] jpeg = Encode(new JpegEncoder { Quality = 90 }, 200, 150);
        await using var stream = new AsyncOnlyStream(jpeg[..(jpeg.Length * 4 / 10)]);

        var ex = await Assert.ThrowsAsync<ImageDecodeException>(() => ImageFile.LoadAsync(stream, CancellationToken.None));

        Assert.Equal(ImageDecodeFailure.Undecodable, ex.Failure);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MoreBytesThanTheLimit_ThrowsOverLimitBeforeReadingItAll()
    {
        var big = new byte[1_000_000];
        Encode(new PngEncoder(), 8, 8).CopyTo(big, 0);
        await using var stream = new AsyncOnlyStream(big);

        var ex = await Assert.ThrowsAsync<ImageDecodeException>(() => ImageFile.LoadAsync(stream, "big.png", new ImageLoadOptions { MaxBytes = 100_000 }, CancellationToken.None));

        Assert.Equal(ImageDecodeFailure.OverLimit, ex.Failure);
        Assert.True(stream.Consumed < big.Length, $"read {stream.Consumed} of {big.Length} bytes");
    }

    [Fact]
    public async Task LoadAsync_MorePixelsThanTheLimit_ThrowsOverLimit()
    {
        await using var stream = new AsyncOnlyStream(Encode(new PngEncoder(), 200, 150));

        var ex = await Assert.ThrowsAsync<ImageDecodeException>(() => ImageFile.LoadAsync(stream, "wide.png", new ImageLoadOptions { MaxPixels = 20_000 }, CancellationToken.None));

        Assert.Equal(ImageDecodeFailure.OverLimit, ex.Failure);
        Assert.Contains("20000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_SeekableStreamPositionedAfterAHeader_DecodesTheRestLikeDecode()
    {
        byte[] png = Encode(new PngEncoder(), 64, 48);
        byte[] withHeader = [.. new byte[] { 1, 2, 3, 4, 5 }, .. png];
        await using var stream = new MemoryStream(withHeader, writable: false);
        stream.Position = 5;

        ImageBuffer image = await ImageFile.LoadAsync(stream, "upload.png", null, CancellationToken.None);

        Assert.Equal(ImageFile.Decode(png, "upload.png").Pixels.ToArray(), image.Pixels.ToArray());
        Assert.Equal(withHeader.Length, stream.Position);
    }

    [Fact]
    public async Task LoadAsync_SeekableStreamLongerThanTheLimit_ThrowsOverLimitWithoutReading()
    {
        var big = new byte[1_000_000];
        Encode(new PngEncoder(), 8, 8).CopyTo(big, 0);
        await using var stream = new MemoryStream(big, writable: false);

        var ex = await Assert.ThrowsAsync<ImageDecodeException>(() => ImageFile.LoadAsync(stream, "big.png", new ImageLoadOptions { MaxBytes = 100_000 }, CancellationToken.None));

        Assert.Equal(ImageDecodeFailure.OverLimit, ex.Failure);
        Assert.Contains("1000000", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, stream.Position);
    }

    [Fact]
    public async Task LoadAsync_CancelledToken_ThrowsOperationCanceled()
    {
        await using var stream = new AsyncOnlyStream(Encode(new PngEncoder(), 8, 8));
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ImageFile.LoadAsync(stream, cancel.Token));
    }

    private static byte[] Encode(SixLabors.ImageSharp.Formats.IImageEncoder encoder, int width, int height)
    {
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)((x + y) % 256));
            }
        }

        using var ms = new MemoryStream();
        image.Save(ms, encoder);
        return ms.ToArray();
    }
}

/// <summary>A stream like Kestrel's request and response bodies: not seekable, and synchronous reads and writes throw.</summary>
internal sealed class AsyncOnlyStream : Stream
{
    private readonly MemoryStream _inner;

    public AsyncOnlyStream(byte[] data) => _inner = new MemoryStream(data, writable: false);

    public AsyncOnlyStream() => _inner = new MemoryStream();

    /// <summary>Bytes read or written so far.</summary>
    public long Consumed => _inner.Position;

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => _inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public byte[] ToArray() => _inner.ToArray();

    public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous reads are disallowed.");

    public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous writes are disallowed.");

    public override void Flush() => throw new InvalidOperationException("Synchronous flushes are disallowed.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_inner.Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _inner.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
