using System.Buffers.Binary;
using System.IO.Compression;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace SkinSam.Sdk.Reliability.Tests.Adversarial;

/// <summary>Builders for hostile image files: encoded pictures, hand-made PNG chunks, patched headers.</summary>
internal static class HostileFiles
{
    public static byte[] Encode(IImageEncoder encoder, int w = 48, int h = 36)
    {
        using var image = new Image<Rgb24>(w, h);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 5), (byte)(y * 7), (byte)((x ^ y) * 3));
            }
        }

        return Save(image, encoder);
    }

    public static byte[] Save<TPixel>(Image<TPixel> image, IImageEncoder encoder)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using var ms = new MemoryStream();
        image.Save(ms, encoder);
        return ms.ToArray();
    }

    /// <summary>Makes a named pipe with mkfifo(1).</summary>
    public static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        Assert.True(mkfifo.WaitForExit(10_000), "mkfifo did not finish");
        Assert.Equal(0, mkfifo.ExitCode);
    }

    public static byte[] Jpeg(int quality = 85) => Encode(new JpegEncoder { Quality = quality });

    /// <summary>The bytes of <paramref name="jpeg"/> up to <paramref name="fraction"/> of its first scan's entropy-coded data.</summary>
    public static byte[] CutJpegScan(byte[] jpeg, double fraction)
    {
        int scan = ScanDataStart(jpeg);
        return jpeg.AsSpan(0, scan + (int)((jpeg.Length - scan) * fraction)).ToArray();
    }

    public static int ScanDataStart(byte[] jpeg)
    {
        int pos = 2;
        while (true)
        {
            byte marker = jpeg[pos + 1];
            pos += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
            if (marker == 0xDA)
            {
                return pos;
            }
        }
    }

    public static int Marker(byte[] jpeg, byte marker)
    {
        for (int i = 2; i < jpeg.Length - 1; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"no FF{marker:X2}");
    }

    /// <summary>A JPEG whose frame header claims <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static byte[] JpegClaiming(int width, int height)
    {
        byte[] jpeg = Encode(new JpegEncoder { Quality = 75 }, 16, 16);
        int sof = Marker(jpeg, 0xC0);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), (ushort)width);
        return jpeg;
    }

    /// <summary>A PNG with the given header whose IDAT holds the zlib compression of <paramref name="raw"/>, with extra chunks before IDAT.</summary>
    public static byte[] Png(int width, int height, byte bitDepth, byte colorType, byte interlace, byte[] raw, params (string Type, byte[] Body)[] extra)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        ihdr[12] = interlace;
        Chunk(ms, "IHDR", ihdr);
        foreach ((string type, byte[] body) in extra)
        {
            Chunk(ms, type, body);
        }

        using (var z = new MemoryStream())
        {
            using (var zlib = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true))
            {
                zlib.Write(raw);
            }

            Chunk(ms, "IDAT", z.ToArray());
        }

        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    /// <summary>Filtered bytes (filter byte 0 per row) of a non-interlaced image.</summary>
    public static byte[] Rows(int width, int height, int bytesPerPixel) => new byte[height * (1 + (width * bytesPerPixel))];

    public static void Chunk(Stream s, string type, byte[] body)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, body.Length);
        System.Text.Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        s.Write(header);
        s.Write(body);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32([.. header.AsSpan(4), .. body]));
        s.Write(crc);
    }

    public static uint Crc32(ReadOnlySpan<byte> data)
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
}
