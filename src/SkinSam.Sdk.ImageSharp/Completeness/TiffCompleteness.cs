using System.Buffers.Binary;

namespace SkinSam.Sdk.ImageSharp.Completeness;

/// <summary>
/// The TIFF rule (first image, classic TIFF): every strip or tile the first IFD lists lies inside the data, and an
/// uncompressed image's strips hold at least width x height x bits per pixel. BigTIFF files pass unchecked.
/// </summary>
internal static class TiffCompleteness
{
    /// <summary>Returns "expected ...; got ..." for the first problem, or null when the data is there.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="width">Width from the header.</param>
    /// <param name="height">Height from the header.</param>
    /// <returns>The problem, or null.</returns>
    public static string? Problem(ReadOnlySpan<byte> data, int width, int height)
    {
        if (data.Length < 8)
        {
            return $"expected an 8-byte TIFF header; got {data.Length} bytes (truncated)";
        }

        bool little = data[0] == 'I';
        if (Read16(data, 2, little) != 42)
        {
            return null;
        }

        long ifd = Read32(data, 4, little);
        if (ifd + 2 > data.Length)
        {
            return $"expected the first IFD at byte {ifd}; got a file of {data.Length} bytes (truncated)";
        }

        int count = Read16(data, (int)ifd, little);
        if (ifd + 2 + (12L * count) + 4 > data.Length)
        {
            return $"expected {count} IFD entries and the next IFD's offset at byte {ifd}; got a file of {data.Length} bytes (truncated)";
        }

        long[]? offsets = null, counts = null;
        long compression = 1, samplesPerPixel = 1, bitsPerSample = 1;
        for (int i = 0; i < count; i++)
        {
            int e = (int)ifd + 2 + (12 * i);
            int tag = Read16(data, e, little);
            int type = Read16(data, e + 2, little);
            long n = Read32(data, e + 4, little);
            long valueBytes = n * (type switch { 1 or 2 or 6 or 7 => 1, 3 or 8 => 2, 4 or 9 or 11 => 4, 5 or 10 or 12 => 8, _ => 0 });
            if (valueBytes > 4 && Read32(data, e + 8, little) + valueBytes > data.Length)
            {
                return $"expected the {valueBytes} bytes of IFD entry {tag} at byte {Read32(data, e + 8, little)}; got a file of {data.Length} bytes (truncated)";
            }

            switch (tag)
            {
                case 259:
                    compression = Values(data, e, type, n, little)?.FirstOrDefault() ?? 1;
                    break;
                case 258:
                    long[]? bits = Values(data, e, type, n, little);
                    bitsPerSample = bits is { Length: > 0 } ? bits.Sum() / Math.Max(1, bits.Length) : 1;
                    break;
                case 277:
                    samplesPerPixel = Values(data, e, type, n, little)?.FirstOrDefault() ?? 1;
                    break;
                case 273 or 324:
                    offsets = Values(data, e, type, n, little);
                    if (offsets is null)
                    {
                        return $"expected the {n} strip or tile offsets of the first IFD inside the data; got a file of {data.Length} bytes (truncated)";
                    }

                    break;
                case 279 or 325:
                    counts = Values(data, e, type, n, little);
                    if (counts is null)
                    {
                        return $"expected the {n} strip or tile byte counts of the first IFD inside the data; got a file of {data.Length} bytes (truncated)";
                    }

                    break;
            }
        }

        if (offsets is null || counts is null)
        {
            return null; // ImageSharp reports a TIFF without pixel data.
        }

        long total = 0;
        for (int i = 0; i < Math.Min(offsets.Length, counts.Length); i++)
        {
            if (offsets[i] + counts[i] > data.Length)
            {
                return $"expected strip or tile {i} at bytes {offsets[i]}..{offsets[i] + counts[i]}; got a file of {data.Length} bytes (truncated)";
            }

            total += counts[i];
        }

        long needed = (((long)width * samplesPerPixel * bitsPerSample) + 7) / 8 * height;
        return compression == 1 && total < needed ? $"expected {needed} bytes of uncompressed strips for a {width}x{height} TIFF; got {total} (truncated)" : null;
    }

    private static int Read16(ReadOnlySpan<byte> d, int at, bool little) => little ? BinaryPrimitives.ReadUInt16LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt16BigEndian(d[at..]);

    private static long Read32(ReadOnlySpan<byte> d, int at, bool little) => little ? BinaryPrimitives.ReadUInt32LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt32BigEndian(d[at..]);

    /// <summary>The SHORT or LONG values of an entry, inline or at its offset; null when they lie outside the data.</summary>
    private static long[]? Values(ReadOnlySpan<byte> d, int entry, int type, long n, bool little)
    {
        int size = type switch { 3 => 2, 4 => 4, _ => 0 };
        if (size == 0 || n < 1 || n > 1 << 20)
        {
            return [];
        }

        long bytes = size * n;
        long at = bytes <= 4 ? entry + 8 : Read32(d, entry + 8, little);
        if (at + bytes > d.Length)
        {
            return null;
        }

        var values = new long[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = size == 2 ? Read16(d, (int)at + (2 * i), little) : Read32(d, (int)at + (4 * i), little);
        }

        return values;
    }
}
