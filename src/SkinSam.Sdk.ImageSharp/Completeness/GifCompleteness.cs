using System.Buffers.Binary;

namespace SkinSam.Sdk.ImageSharp.Completeness;

/// <summary>
/// The GIF rule: the block stream runs from the header to the trailer byte 3B with every block and sub-block inside
/// the data, and the first image's LZW data delivers at least the pixels of its image descriptor (counted from the
/// code lengths alone, without building the picture). ImageSharp alone leaves the missing pixels transparent black.
/// </summary>
internal static class GifCompleteness
{
    /// <summary>Returns "expected ...; got ..." for the first problem, or null when the stream is complete.</summary>
    /// <param name="data">The whole file.</param>
    /// <returns>The problem, or null.</returns>
    public static string? Problem(ReadOnlySpan<byte> data)
    {
        if (data.Length < 13)
        {
            return $"expected a GIF header and logical screen descriptor of 13 bytes; got {data.Length} (truncated)";
        }

        int pos = 13;
        if ((data[10] & 0x80) != 0)
        {
            pos += 3 << ((data[10] & 7) + 1);
        }

        int images = 0;
        while (true)
        {
            if (pos >= data.Length)
            {
                return $"expected the GIF trailer 3B; got the data ending at byte {data.Length} after {images} image(s) (truncated)";
            }

            byte block = data[pos++];
            if (block == 0x3B)
            {
                break;
            }

            if (block == 0x21)
            {
                if (pos >= data.Length)
                {
                    return $"expected an extension label at byte {pos}; got the end of the data (truncated)";
                }

                pos++;
                string? sub = SkipSubBlocks(data, ref pos, out _);
                if (sub is not null)
                {
                    return sub;
                }

                continue;
            }

            if (block != 0x2C)
            {
                return $"expected an image (2C), extension (21) or trailer (3B) block at byte {pos - 1}; got 0x{block:X2}";
            }

            if (pos + 9 > data.Length)
            {
                return $"expected a 10-byte image descriptor at byte {pos - 1}; got {data.Length - pos + 1} (truncated)";
            }

            int width = BinaryPrimitives.ReadUInt16LittleEndian(data[(pos + 4)..]);
            int height = BinaryPrimitives.ReadUInt16LittleEndian(data[(pos + 6)..]);
            byte flags = data[pos + 8];
            pos += 9;
            if ((flags & 0x80) != 0)
            {
                pos += 3 << ((flags & 7) + 1);
            }

            if (pos >= data.Length)
            {
                return $"expected the LZW minimum code size of image {images + 1} at byte {pos}; got the end of the data (truncated)";
            }

            int minCodeSize = data[pos++];
            int start = pos;
            string? problem = SkipSubBlocks(data, ref pos, out int payload);
            if (problem is not null)
            {
                return problem;
            }

            images++;
            if (images == 1)
            {
                long pixels = (long)width * height;
                long delivered = CountLzwPixels(data[start..pos], minCodeSize, pixels);
                if (delivered < pixels)
                {
                    return $"expected LZW data for {width}x{height} = {pixels} pixels in the first image; got {delivered} pixels in {payload} bytes (short image data)";
                }
            }
        }

        return images == 0 ? "expected at least one image block (2C) before the trailer; got none" : null;
    }

    private static string? SkipSubBlocks(ReadOnlySpan<byte> data, ref int pos, out int payload)
    {
        payload = 0;
        while (true)
        {
            if (pos >= data.Length)
            {
                return $"expected a sub-block terminator 00; got the data ending at byte {data.Length} (truncated)";
            }

            int size = data[pos++];
            if (size == 0)
            {
                return null;
            }

            if (pos + size > data.Length)
            {
                return $"expected a sub-block of {size} bytes at byte {pos - 1}; got {data.Length - pos} (truncated)";
            }

            payload += size;
            pos += size;
        }
    }

    /// <summary>
    /// Counts the pixels the LZW code stream (still in sub-blocks) would produce, up to <paramref name="limit"/>, from
    /// the lengths of the dictionary's strings: the values do not matter for completeness.
    /// </summary>
    private static long CountLzwPixels(ReadOnlySpan<byte> subBlocks, int minCodeSize, long limit)
    {
        if (minCodeSize is < 1 or > 11)
        {
            return 0;
        }

        int clear = 1 << minCodeSize;
        int end = clear + 1;
        Span<int> lengths = stackalloc int[4096];
        int codeSize = minCodeSize + 1;
        int next = clear + 2;
        int previous = -1;
        long pixels = 0;
        int bits = 0, bitCount = 0;
        int pos = 0, blockLeft = 0;
        while (pixels < limit)
        {
            while (bitCount < codeSize)
            {
                if (blockLeft == 0)
                {
                    if (pos >= subBlocks.Length || subBlocks[pos] == 0)
                    {
                        return pixels;
                    }

                    blockLeft = subBlocks[pos++];
                }

                bits |= subBlocks[pos++] << bitCount;
                bitCount += 8;
                blockLeft--;
            }

            int code = bits & ((1 << codeSize) - 1);
            bits >>= codeSize;
            bitCount -= codeSize;
            if (code == clear)
            {
                codeSize = minCodeSize + 1;
                next = clear + 2;
                previous = -1;
                continue;
            }

            if (code == end)
            {
                return pixels;
            }

            int length;
            if (code < clear)
            {
                length = 1;
            }
            else if (code < next && previous >= 0)
            {
                length = lengths[code];
            }
            else if (code == next && previous >= 0)
            {
                length = LengthOf(lengths, previous, clear) + 1;
            }
            else
            {
                return pixels; // A code the dictionary does not hold: the decoder stops here too.
            }

            if (previous >= 0 && next < 4096)
            {
                lengths[next++] = LengthOf(lengths, previous, clear) + 1;
                if (next == 1 << codeSize && codeSize < 12)
                {
                    codeSize++;
                }
            }

            pixels += length;
            previous = code;
        }

        return pixels;
    }

    private static int LengthOf(Span<int> lengths, int code, int clear) => code < clear ? 1 : lengths[code];
}
