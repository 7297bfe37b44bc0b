using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Imaging;

namespace SkinSam.Sdk.ImageSharp.Tests;

public sealed class ImageFileTests
{
    private static byte[] Encode<TPixel>(Image<TPixel> image, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using var ms = new MemoryStream();
        image.Save(ms, encoder);
        return ms.ToArray();
    }

    private static Image<Rgb24> Gradient(int w, int h)
    {
        var image = new Image<Rgb24>(w, h);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 255 / Math.Max(1, w - 1)), (byte)(y * 255 / Math.Max(1, h - 1)), 128);
            }
        }

        return image;
    }

    [Fact]
    public void Load_RealHamJpeg_GivesRgb24OfHeaderSize()
    {
        ImageBuffer image = ImageFile.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "images", "ISIC_0024698.jpg"));
        Assert.Equal(PixelFormat.Rgb24, image.Format);
        Assert.Equal(200, image.Width);
        Assert.Equal(150, image.Height);
        Assert.Equal(200 * 150 * 3, image.Pixels.Length);
    }

    [Fact]
    public void Decode_PngRoundTrip_IsLossless()
    {
        using Image<Rgb24> source = Gradient(37, 23);
        ImageBuffer decoded = ImageFile.Decode(Encode(source, new PngEncoder()), "gradient.png");
        var expected = new byte[37 * 23 * 3];
        source.CopyPixelDataTo(expected);
        Assert.Equal(expected, decoded.Pixels.ToArray());
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("png")]
    [InlineData("bmp")]
    public void Decode_TruncatedFile_ThrowsImageDecodeExceptionNamingFile(string format)
    {
        using Image<Rgb24> source = Gradient(64, 48);
        byte[] bytes = format switch
        {
            "jpeg" => Encode(source, new JpegEncoder()),
            "png" => Encode(source, new PngEncoder()),
            _ => Encode(source, new BmpEncoder()),
        };
        byte[] truncated = bytes.AsSpan(0, bytes.Length / 3).ToArray();
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(truncated, "scan." + format));
        Assert.StartsWith("scan." + format + ":", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_CorruptPngChunk_ThrowsImageDecodeException()
    {
        using Image<Rgb24> source = Gradient(64, 48);
        byte[] bytes = Encode(source, new PngEncoder());
        for (int i = 60; i < bytes.Length - 20; i += 7)
        {
            bytes[i] ^= 0x5A;
        }

        Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(bytes, "corrupt.png"));
    }

    [Fact]
    public void Decode_NotAnImage_ThrowsNamingKnownFormats()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode("%PDF-1.7 not an image"u8, "report.pdf"));
        Assert.Contains("no known format", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PNG", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ZeroBytes_Throws()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode([], "empty.jpg"));
        Assert.Contains("got 0 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_OnePixel_Works()
    {
        using var one = new Image<Rgb24>(1, 1, new Rgb24(10, 20, 30));
        ImageBuffer decoded = ImageFile.Decode(Encode(one, new PngEncoder()), "one.png");
        Assert.Equal(new byte[] { 10, 20, 30 }, decoded.Pixels.ToArray());
    }

    [Fact]
    public void Decode_OverPixelLimit_ThrowsBeforeDecoding()
    {
        using Image<Rgb24> source = Gradient(300, 200);
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(Encode(source, new PngEncoder()), "big.png", new ImageLoadOptions { MaxPixels = 10_000 }));
        Assert.Contains("expected at most 10000 pixels", ex.Message, StringComparison.Ordinal);
        Assert.Contains("300x200 = 60000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_DecompressionBombHeader_ThrowsWithoutAllocatingPixels()
    {
        // A PNG whose IHDR claims 60000 x 60000 pixels (3.6 gigapixels) and whose data is a few bytes.
        using Image<L8> tiny = new(1, 1);
        byte[] png = Encode(tiny, new PngEncoder { ColorType = PngColorType.Grayscale });
        png[16] = 0; png[17] = 0; png[18] = 0xEA; png[19] = 0x60;
        png[20] = 0; png[21] = 0; png[22] = 0xEA; png[23] = 0x60;
        uint crc = Crc32(png.AsSpan(12, 17));
        png[29] = (byte)(crc >> 24); png[30] = (byte)(crc >> 16); png[31] = (byte)(crc >> 8); png[32] = (byte)crc;
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(png, "bomb.png"));
        Assert.Contains("60000x60000", ex.Message, StringComparison.Ordinal);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
        }

        return ~c;
    }

    [Fact]
    public void Decode_SixteenBitPng_ConvertsToEightBit()
    {
        using var wide = new Image<Rgb48>(2, 1);
        wide[0, 0] = new Rgb48(65535, 0, 32896);
        wide[1, 0] = new Rgb48(0, 65535, 0);
        ImageBuffer decoded = ImageFile.Decode(Encode(wide, new PngEncoder { BitDepth = PngBitDepth.Bit16 }), "wide.png");
        Assert.Equal(new byte[] { 255, 0, 128, 0, 255, 0 }, decoded.Pixels.ToArray());
    }

    [Fact]
    public void Decode_GrayscalePng_ReplicatesToRgb()
    {
        using var gray = new Image<L8>(2, 1);
        gray[0, 0] = new L8(7);
        gray[1, 0] = new L8(200);
        ImageBuffer decoded = ImageFile.Decode(Encode(gray, new PngEncoder { ColorType = PngColorType.Grayscale }), "gray.png");
        Assert.Equal(new byte[] { 7, 7, 7, 200, 200, 200 }, decoded.Pixels.ToArray());
    }

    [Fact]
    public void Decode_ExifRotated_AppliesOrientation()
    {
        using Image<Rgb24> source = Gradient(40, 20);
        source.Metadata.ExifProfile = new ExifProfile();
        source.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        byte[] jpeg = Encode(source, new JpegEncoder { Quality = 95 });
        ImageBuffer oriented = ImageFile.Decode(jpeg, "rotated.jpg");
        ImageBuffer raw = ImageFile.Decode(jpeg, "rotated.jpg", new ImageLoadOptions { ApplyExifOrientation = false });
        Assert.Equal((20, 40), (oriented.Width, oriented.Height));
        Assert.Equal((40, 20), (raw.Width, raw.Height));
    }

    [Fact]
    public void ReadSize_ExifRotated_SwapsSidesAsLoadDoes()
    {
        using Image<Rgb24> source = Gradient(40, 20);
        source.Metadata.ExifProfile = new ExifProfile();
        source.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        string folder = Directory.CreateTempSubdirectory("skinsam-readsize-").FullName;
        try
        {
            string path = Path.Combine(folder, "rotated.jpg");
            File.WriteAllBytes(path, Encode(source, new JpegEncoder { Quality = 95 }));
            ImageBuffer loaded = ImageFile.Load(path);

            Assert.Equal((loaded.Width, loaded.Height), ImageFile.ReadSize(path));
            Assert.Equal((20, 40), ImageFile.ReadSize(path));
            Assert.Equal((40, 20), ImageFile.ReadSize(path, new ImageLoadOptions { ApplyExifOrientation = false }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ReadSize_NotAnImage_ThrowsImageDecodeExceptionNamingFile()
    {
        string folder = Directory.CreateTempSubdirectory("skinsam-readsize-").FullName;
        try
        {
            string path = Path.Combine(folder, "notes.jpg");
            File.WriteAllText(path, "not an image");

            var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.ReadSize(path));
            Assert.StartsWith(path + ": expected an image in one of", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void SavePng_ThenLoad_RoundTripsEveryPixel()
    {
        byte[] rgb = [.. Enumerable.Range(0, 5 * 3 * 3).Select(i => (byte)((i * 37) % 256))];
        var image = new ImageBuffer(rgb, 5, 3, PixelFormat.Rgb24);
        string folder = Directory.CreateTempSubdirectory("skinsam-savepng-").FullName;
        try
        {
            string path = Path.Combine(folder, "chart.png");
            ImageFile.SavePng(image, path);

            ImageBuffer back = ImageFile.Load(path);
            Assert.Equal((5, 3), (back.Width, back.Height));
            Assert.Equal(rgb, back.Pixels.ToArray());
            Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Decode_AnimatedGif_TakesFirstFrame()
    {
        using var gif = new Image<Rgb24>(4, 4, new Rgb24(255, 0, 0));
        using (var second = new Image<Rgb24>(4, 4, new Rgb24(0, 0, 255)))
        {
            gif.Frames.AddFrame(second.Frames.RootFrame);
        }

        ImageBuffer decoded = ImageFile.Decode(Encode(gif, new GifEncoder()), "anim.gif");
        Assert.Equal((4, 4), (decoded.Width, decoded.Height));
        Assert.True(decoded.Pixels.Span[0] > 200 && decoded.Pixels.Span[2] < 50, "first frame is red");
    }

    [Fact]
    public async Task Load_NamedPipe_ThrowsWithoutBlocking()
    {
        string folder = Directory.CreateTempSubdirectory("skinsam-fifo-").FullName;
        try
        {
            string fifo = Path.Combine(folder, "scan.jpg");
            AtomicFileOutputPathTests.MakeFifo(fifo);
            Task<Exception?> load = Task.Run(() => (Exception?)Record.Exception(() => ImageFile.Load(fifo)));
            Task first = await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.True(first == load, "ImageFile.Load blocked on a named pipe");
            var ex = Assert.IsType<ImageDecodeException>(await load);
            Assert.Equal($"{fifo}: expected a regular image file; got a named pipe (FIFO).", ex.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_Device_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Load("/dev/zero"));
        Assert.Equal("/dev/zero: expected a regular image file; got a character device.", ex.Message);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => ImageFile.Load("/nonexistent/scan.jpg"));
        Assert.Contains("Expected an image file at '/nonexistent/scan.jpg'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Invalid_ListsAllProblems()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ImageLoadOptions { MaxPixels = 0, MaxBytes = -1 }.Validate());
        Assert.Contains("MaxPixels", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxBytes", ex.Message, StringComparison.Ordinal);
    }
}
