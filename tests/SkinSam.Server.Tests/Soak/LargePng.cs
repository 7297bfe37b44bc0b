using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SkinSam.Server.Tests.Soak;

/// <summary>
/// Writes a large 8-bit RGB PNG row by row (a dark disc, the "lesion", on skin tone), holding one row at a time: the
/// soak measures this process's memory, so making its input must not grow an image buffer (or ImageSharp's pool)
/// that would then count in the plateau.
/// </summary>
internal static class LargePng
{
    private static readonly uint[] CrcTable = MakeCrcTable();

    public static byte[] Create(int width, int height)
    {
        using var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionLevel.Fastest, leaveOpen: true))
        {
            var row = new byte[1 + (width * 3)];
            long radius2 = (long)height * height / 16;
            for (int y = 0; y < height; y++)
            {
                row[0] = 0; // filter: none
                long dy = y - (height / 2);
                for (int x = 0; x < width; x++)
                {
                    long dx = x - (width / 2);
                    bool lesion = (dx * dx) + (dy * dy) < radius2;
                    int o = 1 + (x * 3);
                    (row[o], row[o + 1], row[o + 2]) = lesion ? ((byte)90, (byte)50, (byte)40) : ((byte)220, (byte)180, (byte)170);
                }

                zlib.Write(row);
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", idat.GetBuffer().AsSpan(0, (int)idat.Length));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        png.Write(four);
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        uint crc = Crc(Crc(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(four, crc);
        png.Write(four);
    }

    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
