using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SkinSam.Sdk.ImageSharp;
using static SkinSam.Sdk.Reliability.Tests.Adversarial.HostileFiles;

namespace SkinSam.Sdk.Reliability.Tests.Adversarial;

/// <summary>Hostile image files through <see cref="ImageFile"/> with its default options, as the CLI reads them.</summary>
internal static class HostileImages
{
    private static readonly Type Refused = typeof(ImageDecodeException);

    public static IEnumerable<HostileCase> All()
    {
        foreach (double fraction in new[] { 0.0, 0.1, 0.5, 0.9, 0.999 })
        {
            yield return Bytes($"jpeg cut at {fraction:P1} of its scan data", "cut.jpg", () => CutJpegScan(Jpeg(), fraction), Refused);
        }

        yield return Bytes("jpeg cut in half, forged EOI appended", "forged.jpg", () => [.. CutJpegScan(Jpeg(), 0.5), 0xFF, 0xD9], Refused);
        yield return Bytes("jpeg with 100 bytes of junk before a marker (libjpeg goes on)", "junk.jpg", JunkBeforeMarker, null);
        yield return Bytes("jpeg header bomb 9000x9000 in 1 KB", "bomb.jpg", () => JpegClaiming(9000, 9000), Refused);
        yield return Bytes("jpeg header bomb 65535x65535", "bomb.jpg", () => JpegClaiming(65535, 65535), Refused);
        yield return Bytes("jpeg header 10000x1 with 16x16 of data", "strip.jpg", () => JpegClaiming(10000, 1), Refused);
        yield return Bytes("jpeg progressive frame with its DC scan only", "dc.jpg", ProgressiveDcOnly, Refused);
        yield return Bytes("jpeg SOI and EOI only", "empty.jpg", () => [0xFF, 0xD8, 0xFF, 0xD9], Refused);
        yield return Bytes("jpeg end marker missing (last 2 bytes cut)", "noeoi.jpg", () => Jpeg()[..^2], Refused);
        yield return Bytes("grayscale jpeg", "gray.jpg", () => Encode(new JpegEncoder { ColorType = JpegColorType.Luminance }), null);
        yield return Bytes("jpeg with EXIF orientation 65535 (undefined)", "exif.jpg", () => ExifOrientation(65535), null);
        yield return Bytes("jpeg with EXIF orientation 8 (rotate 270)", "exif8.jpg", () => ExifOrientation(8), null);
        yield return Bytes("jpeg polyglot: a zip archive after EOI", "poly.jpg", () => [.. Jpeg(), .. "PK\u0003\u0004zip-payload"u8], null);
        yield return Bytes("png content with a .jpg extension (content decides)", "misnamed.jpg", () => Encode(new PngEncoder()), null);
        yield return Bytes("png without IEND", "noiend.png", () => Encode(new PngEncoder())[..^12], Refused);
        yield return Bytes("png cut inside IDAT", "cut.png", () => Encode(new PngEncoder())[..^40], Refused);
        yield return Bytes("interlaced png cut inside IDAT", "adam7.png", () => Encode(new PngEncoder { InterlaceMethod = PngInterlaceMode.Adam7 })[..^30], Refused);
        yield return Bytes("png with a bad IDAT CRC", "crc.png", BadCrcPng, Refused);
        yield return Bytes("png with a valid but short zlib stream", "short.png", () => Png(40, 30, 8, 2, 0, new byte[500]), Refused);
        yield return Bytes("png header bomb 9000x9000 in a few KB", "bomb.png", () => Png(9000, 9000, 8, 0, 0, new byte[3000]), Refused);
        yield return Bytes("png header bomb 65535x65535", "bomb.png", () => Png(65535, 65535, 8, 0, 0, new byte[3000]), Refused);
        yield return Bytes("png IHDR claiming 0x0", "zero.png", () => Png(0, 0, 8, 0, 0, new byte[10]), Refused);
        yield return Bytes("png bit depth 3 (not allowed)", "depth3.png", () => Png(4, 4, 3, 0, 0, new byte[20]), Refused);
        yield return Bytes("png chunk length 0x7FFFFFFF past the end", "len.png", HugeChunkLengthPng, Refused);
        yield return Bytes("png with a 4 MB iTXt chunk", "itxt.png", () => Png(8, 8, 8, 2, 0, Rows(8, 8, 3), ("iTXt", ITxt(4 << 20))), null);
        yield return Bytes("png polyglot: html after IEND", "poly.png", () => [.. Encode(new PngEncoder()), .. "<script>alert(1)</script>"u8], null);
        yield return Bytes("16-bit rgb png", "rgb16.png", () => Save(new Image<Rgb48>(9, 7), new PngEncoder { BitDepth = PngBitDepth.Bit16 }), null);
        yield return Bytes("grayscale+alpha png", "la.png", () => Save(new Image<La16>(9, 7), new PngEncoder { ColorType = PngColorType.GrayscaleWithAlpha }), null);
        yield return Bytes("palette png", "pal.png", () => Encode(new PngEncoder { ColorType = PngColorType.Palette }), null);
        yield return Bytes("animated gif (first frame used)", "anim.gif", AnimatedGif, null);
        yield return Bytes("gif without trailer", "notrailer.gif", () => Encode(new GifEncoder())[..^1], Refused);
        yield return Bytes("gif cut in its LZW data", "cut.gif", () => Encode(new GifEncoder())[..^40], Refused);
        yield return Bytes("bmp cut to a third", "cut.bmp", () => Encode(new BmpEncoder())[..1800], Refused);
        yield return Bytes("bmp header claiming 30000x30000", "bomb.bmp", () => BmpClaiming(30000, 30000), Refused);
        yield return Bytes("bmp header claiming 4000x4000 (16 Mpx) in 5 KB", "big.bmp", () => BmpClaiming(4000, 4000), Refused);
        yield return Bytes("tiff cut inside its strips", "cut.tiff", () => Encode(new TiffEncoder { Compression = SixLabors.ImageSharp.Formats.Tiff.Constants.TiffCompression.None })[..^900], Refused);
        yield return Bytes("tga cut in its pixels", "cut.tga", () => Encode(new TgaEncoder { Compression = TgaCompression.None })[..^100], Refused);
        yield return Bytes("webp RIFF size past the end", "cut.webp", () => [.. "RIFF"u8, 0xFF, 0x00, 0x00, 0x00, .. "WEBPVP8 "u8, 0x10, 0, 0, 0, 1, 2, 3], Refused);
        yield return Bytes("ppm header 9000x9000 with 12 bytes of pixels", "bomb.ppm", () => [.. "P6\n9000 9000\n255\n"u8, .. new byte[12]], Refused);
        yield return Bytes("zero bytes", "empty.png", () => [], Refused);
        yield return Bytes("one byte", "one.jpg", () => [0xFF], Refused);
        yield return Bytes("png signature only", "sig.png", () => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], Refused);
        yield return Bytes("text with an image extension", "notes.png", () => "patient notes, not an image"u8.ToArray(), Refused);
        yield return Bytes("1 KB of random bytes", "noise.jpg", () => Noise(1024), Refused);
        yield return new HostileCase("input is a named pipe (would block forever)", Refused, ctx =>
        {
            string fifo = Path.Combine(ctx.Folder, Guid.NewGuid().ToString("N") + ".jpg");
            MakeFifo(fifo);
            ImageFile.Load(fifo);
        });
        yield return new HostileCase("input is /dev/zero (never ends)", Refused, _ => ImageFile.Load("/dev/zero"));
        yield return new HostileCase("input is a symbolic link to a symbolic link to a jpeg", null, ctx =>
        {
            string jpeg = Path.Combine(ctx.Folder, Guid.NewGuid().ToString("N") + ".jpg");
            File.WriteAllBytes(jpeg, Jpeg());
            string first = jpeg + ".link1.jpg";
            File.CreateSymbolicLink(first, jpeg);
            File.CreateSymbolicLink(jpeg + ".link2.jpg", first);
            ImageFile.Load(jpeg + ".link2.jpg");
        });
        yield return new HostileCase("missing file", typeof(FileNotFoundException), ctx => ImageFile.Load(Path.Combine(ctx.Folder, "no-such.jpg")));
        yield return new HostileCase("a directory named like an image", typeof(FileNotFoundException), ctx => ImageFile.Load(Directory.CreateDirectory(Path.Combine(ctx.Folder, "dir.jpg")).FullName));
    }

    /// <summary>A case that writes the bytes to a file and loads it.</summary>
    private static HostileCase Bytes(string name, string fileName, Func<byte[]> make, Type? expected)
    {
        return new HostileCase(name, expected, ctx =>
        {
            string path = Path.Combine(ctx.Folder, Guid.NewGuid().ToString("N") + "-" + fileName);
            File.WriteAllBytes(path, make());
            ImageFile.Load(path);
        });
    }

    private static byte[] ProgressiveDcOnly()
    {
        byte[] jpeg = Jpeg(75);
        jpeg[Marker(jpeg, 0xC0) + 1] = 0xC2;
        jpeg[ScanDataStart(jpeg) - 2] = 0; // Se: the DC coefficient only
        return jpeg;
    }

    private static byte[] JunkBeforeMarker()
    {
        byte[] jpeg = Jpeg();
        int sos = Marker(jpeg, 0xDA);
        return [.. jpeg.AsSpan(0, sos), .. Enumerable.Repeat((byte)0x00, 100), .. jpeg.AsSpan(sos)];
    }

    private static byte[] ExifOrientation(ushort value)
    {
        using var image = new Image<Rgb24>(30, 20);
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, value);
        return Save(image, new JpegEncoder());
    }

    private static byte[] BadCrcPng()
    {
        byte[] png = Encode(new PngEncoder());
        png[^20] ^= 0x10;
        return png;
    }

    private static byte[] HugeChunkLengthPng()
    {
        byte[] png = Png(8, 8, 8, 2, 0, Rows(8, 8, 3));
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(33), int.MaxValue);
        return png;
    }

    private static byte[] ITxt(int textBytes)
    {
        byte[] body = new byte[12 + textBytes];
        "Comment"u8.CopyTo(body);
        body.AsSpan(12).Fill((byte)'a');
        return body;
    }

    private static byte[] AnimatedGif()
    {
        using var gif = new Image<Rgb24>(6, 6, new Rgb24(255, 0, 0));
        using (var second = new Image<Rgb24>(6, 6, new Rgb24(0, 0, 255)))
        {
            gif.Frames.AddFrame(second.Frames.RootFrame);
        }

        return Save(gif, new GifEncoder());
    }

    private static byte[] BmpClaiming(int width, int height)
    {
        byte[] bmp = Encode(new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 }, 40, 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        return bmp;
    }

    private static byte[] Noise(int length)
    {
        var bytes = new byte[length];
        new Random(13).NextBytes(bytes);
        return bytes;
    }
}
