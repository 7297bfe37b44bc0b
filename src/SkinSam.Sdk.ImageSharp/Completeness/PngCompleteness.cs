using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace SkinSam.Sdk.ImageSharp.Completeness;

/// <summary>
/// The PNG rule: the chunk stream runs from the signature through IHDR to IEND with every chunk inside the data and
/// every chunk's CRC right; the IDAT chunks follow one another; and their zlib stream inflates to at least the bytes
/// the header's size, colour type, bit depth and interlacing need (checked by inflating into a small reused buffer,
/// so a header claiming 65535 x 65535 costs no pixel allocation). ImageSharp alone leaves rows of a short IDAT at zero.
/// </summary>
internal static class PngCompleteness
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Returns "expected ...; got ..." for the first problem, or null when the stream is complete.</summary>
    /// <param name="data">The whole file.</param>
    /// <returns>The problem, or null.</returns>
    public static string? Problem(byte[] data)
    {
        ReadOnlySpan<byte> span = data;
        if (span.Length < 8 || !span[..8].SequenceEqual(Signature))
        {
            return "expected the PNG signature 89504E470D0A1A0A; got " + Convert.ToHexString(span[..Math.Min(8, span.Length)]);
        }

        int pos = 8;
        int chunks = 0;
        bool sawIdat = false, idatEnded = false;
        int width = 0, height = 0, bitDepth = 0, colorType = 0, interlace = 0;
        var idat = new List<(int Offset, int Length)>();
        while (true)
        {
            if (pos + 8 > span.Length)
            {
                return $"expected the IEND chunk; got the data ending at byte {span.Length} after {chunks} chunk(s) (truncated)";
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(span[pos..]);
            string type = System.Text.Encoding.ASCII.GetString(span.Slice(pos + 4, 4));
            if (length > int.MaxValue || pos + 12L + length > span.Length)
            {
                return $"expected {length} bytes of chunk '{type}' and its CRC at byte {pos}; got {span.Length - pos - 8} (truncated)";
            }

            ReadOnlySpan<byte> body = span.Slice(pos + 8, (int)length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(span[(pos + 8 + (int)length)..]);
            uint actual = Crc32(span.Slice(pos + 4, 4 + (int)length));
            if (crc != actual)
            {
                return $"expected CRC {actual:X8} for chunk '{type}' at byte {pos}; got {crc:X8} (corrupt)";
            }

            if (chunks == 0)
            {
                if (type != "IHDR" || length < 13)
                {
                    return $"expected IHDR as the first chunk; got '{type}' of {length} bytes";
                }

                width = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(body), int.MaxValue);
                height = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(body[4..]), int.MaxValue);
                bitDepth = body[8];
                colorType = body[9];
                interlace = body[12];
            }

            chunks++;
            pos += 12 + (int)length;
            if (type == "IDAT")
            {
                if (idatEnded)
                {
                    return $"expected the IDAT chunks to follow one another; got another IDAT at byte {pos - 12 - (int)length} after other chunks";
                }

                sawIdat = true;
                idat.Add((pos - 4 - (int)length, (int)length));
            }
            else if (sawIdat)
            {
                idatEnded = true;
            }

            if (type == "IEND")
            {
                break;
            }
        }

        if (!sawIdat)
        {
            return "expected at least one IDAT chunk before IEND; got none";
        }

        long needed = RawBytes(width, height, bitDepth, colorType, interlace);
        if (needed <= 0)
        {
            return null; // ImageSharp reports a header it cannot use.
        }

        long compressed = idat.Sum(c => (long)c.Length);
        const long MaxDeflateRatio = 1032;
        if (compressed * MaxDeflateRatio < needed)
        {
            return $"expected image data that inflates to {needed} bytes for a {width}x{height} PNG; got {compressed} compressed bytes, which deflate cannot expand that far (the header claims more pixels than the data can hold)";
        }

        long inflated = Inflate(data, idat, needed, out string? error);
        if (error is not null)
        {
            return $"expected a valid zlib stream in the IDAT chunks; got {error}";
        }

        if (inflated < needed)
        {
            return $"expected image data that inflates to {needed} bytes for a {width}x{height} PNG; got {inflated} (short IDAT)";
        }

        return null;
    }

    /// <summary>Filtered scanline bytes (a filter byte per row) for the image, or 0 when the header is not one PNG allows.</summary>
    internal static long RawBytes(int width, int height, int bitDepth, int colorType, int interlace)
    {
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        if (channels == 0 || width < 1 || height < 1 || bitDepth is not (1 or 2 or 4 or 8 or 16))
        {
            return 0;
        }

        long bitsPerPixel = (long)channels * bitDepth;
        if (interlace == 0)
        {
            return height * (1 + (((width * bitsPerPixel) + 7) / 8));
        }

        // Adam7: pass origins and steps.
        ReadOnlySpan<int> x0 = [0, 4, 0, 2, 0, 1, 0];
        ReadOnlySpan<int> y0 = [0, 0, 4, 0, 2, 0, 1];
        ReadOnlySpan<int> dx = [8, 8, 4, 4, 2, 2, 1];
        ReadOnlySpan<int> dy = [8, 8, 8, 4, 4, 2, 2];
        long total = 0;
        for (int p = 0; p < 7; p++)
        {
            long w = (width - x0[p] + dx[p] - 1) / dx[p];
            long h = (height - y0[p] + dy[p] - 1) / dy[p];
            if (w > 0 && h > 0)
            {
                total += h * (1 + (((w * bitsPerPixel) + 7) / 8));
            }
        }

        return total;
    }

    private static long Inflate(byte[] data, List<(int Offset, int Length)> idat, long needed, out string? error)
    {
        error = null;
        using var compressed = new ChunkStream(data, idat);
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        long total = 0;
        try
        {
            int read;
            while (total < needed && (read = zlib.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
            }
        }
        catch (InvalidDataException ex)
        {
            error = ex.Message;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return total;
    }

    /// <summary>The CRC-32 PNG uses (ISO 3309, polynomial EDB88320, as in zlib).</summary>
    internal static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint[] table = CrcTable.Value;
        uint c = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            c = table[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return ~c;
    }

    private static readonly Lazy<uint[]> CrcTable = new(() =>
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    });

    /// <summary>The IDAT chunk bodies read as one stream, without copying them.</summary>
    private sealed class ChunkStream(byte[] data, List<(int Offset, int Length)> chunks) : Stream
    {
        private int chunk;
        private int offsetInChunk;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (chunk < chunks.Count && offsetInChunk == chunks[chunk].Length)
            {
                chunk++;
                offsetInChunk = 0;
            }

            if (chunk >= chunks.Count)
            {
                return 0;
            }

            int n = Math.Min(count, chunks[chunk].Length - offsetInChunk);
            Array.Copy(data, chunks[chunk].Offset + offsetInChunk, buffer, offset, n);
            offsetInChunk += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
