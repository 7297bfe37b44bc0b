using System.Buffers.Binary;
using System.IO.Compression;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.PixelFormats;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.ImageSharp.Completeness;
using SkinSam.Sdk.Imaging;

namespace SkinSam.Sdk.ImageSharp.Tests.Completeness;

/// <summary>
/// An image is complete or refused: truncated data anywhere (inside JPEG scan data, PNG IDAT, GIF LZW data), missing
/// scans, short compressed streams and headers claiming more pixels than the data holds are refused before decoding.
/// </summary>
public sealed class ImageCompletenessTests
{
    /// <summary>No pixel limit, so the completeness check is what refuses a header bomb.</summary>
    private static readonly ImageLoadOptions Unlimited = new() { MaxPixels = long.MaxValue };

    internal static byte[] Encode(IImageEncoder encoder, int w = 64, int h = 48)
    {
        using var image = new Image<Rgb24>(w, h);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 4), (byte)(y * 5), (byte)((x * y) & 0xFF));
            }
        }

        using var ms = new MemoryStream();
        image.Save(ms, encoder);
        return ms.ToArray();
    }

    /// <summary>Offset of the first byte after the first SOS segment of a JPEG.</summary>
    internal static int ScanDataStart(byte[] jpeg)
    {
        int pos = 2;
        while (true)
        {
            byte marker = jpeg[pos + 1];
            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
            pos += 2 + length;
            if (marker == 0xDA)
            {
                return pos;
            }
        }
    }

    internal static int FindMarker(byte[] jpeg, byte marker)
    {
        for (int i = 2; i < jpeg.Length - 1; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker)
            {
                return i;
            }
        }

        return -1;
    }

    [Fact]
    public void Decode_JpegCutInsideScanDataAtEveryOffset_ThrowsNamingTruncation()
    {
        byte[] jpeg = Encode(new JpegEncoder { Quality = 90 });
        int scan = ScanDataStart(jpeg);
        Assert.True(jpeg.Length - scan > 1000, $"Expected a scan of more than 1000 bytes to cut; got {jpeg.Length - scan}.");
        for (int cut = scan; cut < jpeg.Length; cut++)
        {
            var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(jpeg.AsSpan(0, cut), "scan.jpg"));
            Assert.StartsWith("scan.jpg: expected the end-of-image marker FFD9; got the data ending", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Decode_JpegCutAtEveryOffset_ThrowsImageDecodeException()
    {
        byte[] jpeg = Encode(new JpegEncoder { Quality = 75 }, 24, 16);
        for (int cut = 1; cut < jpeg.Length; cut++)
        {
            Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(jpeg.AsSpan(0, cut), "cut.jpg"));
        }
    }

    [Fact]
    public void Decode_JpegWithRestartIntervalButTooFewRestartMarkers_ThrowsMissingScanData()
    {
        // A restart interval of 1 MCU promises a restart marker between every two MCUs; half a scan closed with a forged
        // EOI (and this encoder's scan, which has none) holds too few.
        byte[] jpeg = Encode(new JpegEncoder { Quality = 90 });
        int scan = ScanDataStart(jpeg);
        var dri = new byte[] { 0xFF, 0xDD, 0x00, 0x04, 0x00, 0x01 };
        byte[] withDri = [.. jpeg.AsSpan(0, 2), .. dri, .. jpeg.AsSpan(2, scan - 2), .. jpeg.AsSpan(scan, (jpeg.Length - scan) / 2), 0xFF, 0xD9];
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(withDri, "restart.jpg"));
        Assert.Contains("restart markers in scan 1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(JpegColorType.YCbCrRatio420)]
    [InlineData(JpegColorType.YCbCrRatio444)]
    [InlineData(JpegColorType.Luminance)]
    public void Decode_JpegCutInsideScanDataThenForgedEndMarker_ThrowsMissingMcus(JpegColorType color)
    {
        byte[] jpeg = Encode(new JpegEncoder { Quality = 90, ColorType = color }, 96, 64);
        ImageFile.Decode(jpeg, "whole.jpg");
        int scan = ScanDataStart(jpeg);
        int refused = 0;
        for (int cut = scan + 100; cut < jpeg.Length - 40; cut += 23) // past the minimum bytes the blocks need
        {
            byte[] forged = [.. jpeg.AsSpan(0, cut), 0xFF, 0xD9];
            var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(forged, "forged.jpg"));
            Assert.Contains("MCUs of entropy-coded data in scan 1; got", ex.Message, StringComparison.Ordinal);
            refused++;
        }

        Assert.True(refused > 10, $"Expected more than 10 cuts; got {refused}.");
    }

    [Theory]
    [InlineData(9000, 9000)]
    [InlineData(65535, 65535)]
    [InlineData(10000, 1)]
    public void Decode_JpegHeaderClaimingMorePixelsThanItsData_ThrowsBeforeDecoding(int width, int height)
    {
        byte[] jpeg = Encode(new JpegEncoder { Quality = 75 }, 16, 16);
        int sof = FindMarker(jpeg, 0xC0);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), (ushort)width);
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(jpeg, "bomb.jpg", Unlimited));
        Assert.Contains($"of a {width}x{height} JPEG", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the header claims more pixels than the data can hold", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ProgressiveJpegWithOnlyItsDcScan_ThrowsMissingScans()
    {
        // The frame says progressive; the one scan carries only the DC coefficients (Ss = Se = 0).
        byte[] jpeg = Encode(new JpegEncoder { Quality = 75 });
        int sof = FindMarker(jpeg, 0xC0);
        jpeg[sof + 1] = 0xC2;
        int scan = ScanDataStart(jpeg);
        jpeg[scan - 2] = 0; // Se
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(jpeg, "progressive.jpg"));
        Assert.Contains("expected progressive scans covering coefficients 0..63 of component", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got none for coefficient 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_JpegWhoseScanNamesOneOfThreeComponents_ThrowsMissingScan()
    {
        // A grey JPEG's frame header rewritten to declare three components: its one scan covers the first only.
        byte[] gray = Encode(new JpegEncoder { Quality = 75, ColorType = JpegColorType.Luminance });
        int sof = FindMarker(gray, 0xC0);
        int length = BinaryPrimitives.ReadUInt16BigEndian(gray.AsSpan(sof + 2));
        Assert.Equal(1, gray[sof + 9]);
        byte[] component = gray.AsSpan(sof + 10, 3).ToArray();
        byte[] sofSegment = [0xFF, 0xC0, 0x00, (byte)(length + 6), .. gray.AsSpan(sof + 4, 5), 3, .. component, 2, component[1], component[2], 3, component[1], component[2]];
        byte[] threeComponents = [.. gray.AsSpan(0, sof), .. sofSegment, .. gray.AsSpan(sof + 2 + length)];
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(threeComponents, "onescan.jpg"));
        Assert.Equal("onescan.jpg: expected a scan for each of the 3 frame components; got none for component 2 (missing scan).", ex.Message);
    }

    [Fact]
    public void Decode_PngCutAtEveryOffset_ThrowsImageDecodeException()
    {
        byte[] png = Encode(new PngEncoder(), 32, 24);
        for (int cut = 1; cut < png.Length; cut++)
        {
            var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(png.AsSpan(0, cut), "cut.png"));
            Assert.StartsWith("cut.png: expected", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Decode_PngWithoutIend_ThrowsNamingIend()
    {
        byte[] png = Encode(new PngEncoder());
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(png.AsSpan(0, png.Length - 12), "noiend.png"));
        Assert.Contains("expected the IEND chunk; got the data ending at byte", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PngWithBadCrc_ThrowsNamingChunkAndCrc()
    {
        byte[] png = Encode(new PngEncoder());
        png[png.Length - 20] ^= 0x01; // inside the last IDAT
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(png, "crc.png"));
        Assert.Contains("CRC", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(PngInterlaceMode.None)]
    [InlineData(PngInterlaceMode.Adam7)]
    public void Decode_PngWhoseValidZlibStreamHoldsHalfTheRows_ThrowsShortIdat(PngInterlaceMode interlace)
    {
        const int w = 40, h = 30;
        byte adam7 = interlace == PngInterlaceMode.Adam7 ? (byte)1 : (byte)0;
        long needed = PngCompleteness.RawBytes(w, h, 8, 2, adam7);
        byte[] png = BuildPng(w, h, 8, 2, adam7, new byte[needed / 2]);
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(png, "short.png"));
        Assert.Contains($"expected image data that inflates to {needed} bytes for a {w}x{h} PNG; got {needed / 2} (short IDAT)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PngBuiltWithAllRows_Decodes()
    {
        const int w = 40, h = 30;
        byte[] raw = new byte[(int)PngCompleteness.RawBytes(w, h, 8, 2, 0)];
        ImageBuffer decoded = ImageFile.Decode(BuildPng(w, h, 8, 2, 0, raw), "full.png");
        Assert.Equal((w, h), (decoded.Width, decoded.Height));
    }

    [Theory]
    [InlineData(9000, 9000)]
    [InlineData(65535, 65535)]
    public void Decode_PngHeaderClaimingMorePixelsThanItsData_ThrowsBeforeDecoding(int width, int height)
    {
        byte[] png = BuildPng(width, height, 8, 0, 0, new byte[1000]);
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(png, "bomb.png", Unlimited));
        Assert.Contains($"for a {width}x{height} PNG", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_GifCutAtEveryOffset_ThrowsImageDecodeException()
    {
        byte[] gif = Encode(new GifEncoder(), 32, 24);
        for (int cut = 1; cut < gif.Length; cut++)
        {
            Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(gif.AsSpan(0, cut), "cut.gif"));
        }
    }

    [Fact]
    public void Decode_GifWithTruncatedLzwDataAndTrailer_ThrowsShortImageData()
    {
        byte[] gif = Encode(new GifEncoder(), 64, 48);

        // Keep the first sub-block of the image data only, then terminate it and close the file.
        int image = FirstGifImage(gif);
        int flags = gif[image + 9];
        int lzw = image + 10 + ((flags & 0x80) != 0 ? 3 << ((flags & 7) + 1) : 0);
        int first = gif[lzw + 1];
        byte[] cut = [.. gif.AsSpan(0, lzw + 2 + (first / 4)), 0x00, 0x3B];
        cut[lzw + 1] = (byte)(first / 4);
        var ex = Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(cut, "short.gif"));
        Assert.Contains("expected LZW data for 64x48 = 3072 pixels in the first image; got", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bmp")]
    [InlineData("tga")]
    [InlineData("tiff")]
    public void Decode_UncompressedFileCutAtManyOffsets_ThrowsImageDecodeException(string format)
    {
        IImageEncoder encoder = format switch
        {
            "bmp" => new BmpEncoder(),
            "tga" => new TgaEncoder { Compression = TgaCompression.None },
            _ => new TiffEncoder { Compression = SixLabors.ImageSharp.Formats.Tiff.Constants.TiffCompression.None },
        };
        byte[] data = Encode(encoder, 32, 24);
        var decoded = new List<int>();
        // From the second-last byte: ImageSharp ends a TIFF with a word-alignment padding byte the image does not need.
        for (int cut = data.Length - 2; cut > 20; cut -= 13)
        {
            try
            {
                ImageFile.Decode(data.AsSpan(0, cut), "cut." + format);
                decoded.Add(cut);
            }
            catch (ImageDecodeException)
            {
            }
        }

        Assert.True(decoded.Count == 0, $"Expected every cut of the {data.Length}-byte file refused; got decoded images at {string.Join(", ", decoded)}.");
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("png")]
    [InlineData("gif")]
    [InlineData("bmp")]
    [InlineData("tga")]
    [InlineData("tiff")]
    public void Decode_CompleteEncodedFile_Decodes(string format)
    {
        IImageEncoder encoder = format switch
        {
            "jpeg" => new JpegEncoder(),
            "png" => new PngEncoder { InterlaceMethod = PngInterlaceMode.Adam7 },
            "gif" => new GifEncoder(),
            "bmp" => new BmpEncoder(),
            "tga" => new TgaEncoder { Compression = TgaCompression.RunLength },
            _ => new TiffEncoder(),
        };
        ImageBuffer decoded = ImageFile.Decode(Encode(encoder, 33, 21), "ok." + format);
        Assert.Equal((33, 21), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void Decode_RealDermoscopyJpegsAndPngMasks_AreComplete()
    {
        string[] files = [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "images")).Where(f => f.EndsWith(".jpg", StringComparison.Ordinal) || f.EndsWith(".png", StringComparison.Ordinal))];
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            ImageBuffer image = ImageFile.Load(file);
            Assert.True(image.Width > 0 && image.Height > 0);
        }
    }

    [Fact]
    public void Decode_TruncatedJpegWithAllowIncompleteData_DecodesWithFilledRows()
    {
        byte[] jpeg = Encode(new JpegEncoder { Quality = 90 });
        byte[] half = jpeg.AsSpan(0, ScanDataStart(jpeg) + ((jpeg.Length - ScanDataStart(jpeg)) / 2)).ToArray();
        Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(half, "half.jpg"));
        ImageBuffer lenient = ImageFile.Decode(half, "half.jpg", new ImageLoadOptions { AllowIncompleteData = true });
        Assert.Equal((64, 48), (lenient.Width, lenient.Height));
    }

    /// <summary>Offset of the first image descriptor (2C) of a GIF, walking past the colour table and extensions.</summary>
    internal static int FirstGifImage(byte[] gif)
    {
        int pos = 13 + ((gif[10] & 0x80) != 0 ? 3 << ((gif[10] & 7) + 1) : 0);
        while (gif[pos] == 0x21)
        {
            pos += 2;
            while (gif[pos] != 0)
            {
                pos += gif[pos] + 1;
            }

            pos++;
        }

        return pos;
    }

    /// <summary>A PNG of the given header whose IDAT is the zlib compression of <paramref name="raw"/>.</summary>
    internal static byte[] BuildPng(int width, int height, byte bitDepth, byte colorType, byte interlace, byte[] raw)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        ihdr[12] = interlace;
        WriteChunk(ms, "IHDR", ihdr);
        using (var z = new MemoryStream())
        {
            using (var zlib = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true))
            {
                zlib.Write(raw);
            }

            WriteChunk(ms, "IDAT", z.ToArray());
        }

        WriteChunk(ms, "IEND", []);
        return ms.ToArray();
    }

    internal static void WriteChunk(Stream s, string type, byte[] body)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, body.Length);
        System.Text.Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        s.Write(header);
        s.Write(body);
        byte[] crcInput = [.. header.AsSpan(4), .. body];
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, PngCompleteness.Crc32(crcInput));
        s.Write(crc);
    }
}
