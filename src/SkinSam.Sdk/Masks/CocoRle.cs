using System.Buffers;
using System.Text;

namespace SkinSam.Sdk.Masks;

/// <summary>
/// A mask in COCO run-length encoding, as pycocotools writes it: run lengths over the pixels in
/// column-major order (down each column, columns left to right), alternating background and
/// foreground and starting with background (so the first count is 0 when the top-left pixel is
/// foreground). COCO's <c>size</c> is <c>[Height, Width]</c>.
/// </summary>
public sealed class CocoRle
{
    private const int MaxCharsPerCount = 7; // 7 * 5 bits hold any int and its sign
    private readonly int[] _counts;

    /// <summary>Creates an encoding from its run lengths.</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="counts">Run lengths, none negative, summing to width * height.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">A count is negative or the counts do not sum to width * height.</exception>
    public CocoRle(int width, int height, ReadOnlySpan<int> counts)
    {
        long n = ValidateSize(width, height);
        long sum = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] < 0)
            {
                throw new ArgumentException($"Expected run lengths of at least 0; got {counts[i]} at index {i}.", nameof(counts));
            }

            sum += counts[i];
        }

        if (sum != n)
        {
            throw new ArgumentException($"Expected run lengths summing to {n} ({width}x{height}); got {sum}.", nameof(counts));
        }

        Width = width;
        Height = height;
        _counts = counts.ToArray();
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The run lengths: background, foreground, background, ... in column-major order.</summary>
    public ReadOnlySpan<int> Counts => _counts;

    /// <summary>Number of foreground pixels (the sum of the odd-indexed runs).</summary>
    public int Area
    {
        get
        {
            int area = 0;
            for (int i = 1; i < _counts.Length; i += 2)
            {
                area += _counts[i];
            }

            return area;
        }
    }

    /// <summary>Encodes a row-major mask.</summary>
    /// <param name="mask">Width * height bytes, row-major; non-zero is foreground.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <returns>The encoding.</returns>
    /// <exception cref="ArgumentException">The mask is not width * height bytes.</exception>
    public static CocoRle Encode(ReadOnlySpan<byte> mask, int width, int height)
    {
        long n = ValidateSize(width, height);
        if (mask.Length != n)
        {
            throw new ArgumentException($"Expected {n} mask bytes for {width}x{height}; got {mask.Length}.", nameof(mask));
        }

        int[] runs = ArrayPool<int>.Shared.Rent((int)n + 1);
        try
        {
            int k = 0, run = 0;
            bool previous = false;
            for (int x = 0; x < width; x++)
            {
                for (int i = x; i < mask.Length; i += width)
                {
                    bool value = mask[i] != 0;
                    if (value != previous)
                    {
                        runs[k++] = run;
                        run = 0;
                        previous = value;
                    }

                    run++;
                }
            }

            runs[k++] = run;
            return new CocoRle(width, height, runs.AsSpan(0, k));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(runs);
        }
    }

    /// <summary>
    /// Encodes a <paramref name="width"/> x <paramref name="height"/> mask that is background everywhere except,
    /// possibly, inside <paramref name="extent"/> of a row-major <paramref name="region"/> placed at
    /// (<paramref name="x"/>, <paramref name="y"/>): equal to <see cref="Encode(ReadOnlySpan{byte}, int, int)"/> of the
    /// whole mask, but it reads only the extent's pixels and never builds the whole mask (the automatic mask
    /// generator's masks of a crop, and of an image, whose extent it already knows).
    /// </summary>
    /// <param name="region">regionWidth * regionHeight bytes, row-major; non-zero is foreground.</param>
    /// <param name="regionWidth">Width of the region.</param>
    /// <param name="regionHeight">Height of the region.</param>
    /// <param name="x">The region's left edge in the mask.</param>
    /// <param name="y">The region's top edge in the mask.</param>
    /// <param name="width">Width of the mask.</param>
    /// <param name="height">Height of the mask.</param>
    /// <param name="extent">Inclusive bounds, in region coordinates, outside which the region is background.</param>
    /// <returns>The encoding.</returns>
    internal static CocoRle EncodeRegion(ReadOnlySpan<byte> region, int regionWidth, int regionHeight, int x, int y, int width, int height, (int X0, int Y0, int X1, int Y1) extent)
    {
        long n = ValidateSize(width, height);
        if (region.Length != (long)regionWidth * regionHeight || x < 0 || y < 0 || x + regionWidth > width || y + regionHeight > height
            || extent.X0 < 0 || extent.Y0 < 0 || extent.X1 < extent.X0 || extent.Y1 < extent.Y0 || extent.X1 >= regionWidth || extent.Y1 >= regionHeight)
        {
            throw new ArgumentException(
                $"Expected a {regionWidth}x{regionHeight} region of {(long)regionWidth * regionHeight} bytes inside the {width}x{height} mask with its extent inside it; got {region.Length} bytes at ({x}, {y}), extent {extent}.",
                nameof(region));
        }

        int columns = extent.X1 - extent.X0 + 1, rows = extent.Y1 - extent.Y0 + 1;
        int top = y + extent.Y0, bottom = y + extent.Y1;
        bool gapBetweenColumns = top > 0 || bottom < height - 1;

        // At most one run starts at each pixel of the extent, one more after each of its columns, and the last.
        int[] runs = ArrayPool<int>.Shared.Rent((columns * (rows + 1)) + 1);
        try
        {
            int k = 0;
            long last = 0;
            bool previous = false;
            for (int c = 0; c < columns; c++)
            {
                int local = extent.X0 + c;
                long columnStart = ((long)(x + local) * height) + top;
                for (int r = 0; r < rows; r++)
                {
                    bool value = region[((extent.Y0 + r) * regionWidth) + local] != 0;
                    if (value != previous)
                    {
                        long at = columnStart + r;
                        runs[k++] = (int)(at - last);
                        last = at;
                        previous = value;
                    }
                }

                // Background below this column's extent or above the next one's, or after the extent's last column.
                long after = columnStart + rows;
                if (previous && (gapBetweenColumns || c == columns - 1) && after < n)
                {
                    runs[k++] = (int)(after - last);
                    last = after;
                    previous = false;
                }
            }

            runs[k++] = (int)(n - last);
            return new CocoRle(width, height, runs.AsSpan(0, k));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(runs);
        }
    }

    /// <summary>Encodes a mask.</summary>
    /// <param name="mask">The mask.</param>
    /// <returns>The encoding.</returns>
    public static CocoRle Encode(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return Encode(mask.Data, mask.Width, mask.Height);
    }

    /// <summary>
    /// Reads COCO's compressed counts string (pycocotools <c>rleFrString</c>): each count in 5-bit
    /// groups, least significant first, one character per group (<c>'0' + bits</c>, 0x20 marks that
    /// more groups follow, 0x10 of the last group is the sign); from the fourth count on, each is stored
    /// as its difference to the count two places before.
    /// </summary>
    /// <param name="counts">The string, characters '0' (48) to 'o' (111).</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <returns>The encoding.</returns>
    /// <exception cref="FormatException">The string is malformed.</exception>
    /// <exception cref="ArgumentException">The decoded counts do not fit the size.</exception>
    public static CocoRle FromCompressedString(string counts, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(counts);
        _ = ValidateSize(width, height);
        var values = new List<int>();
        int p = 0;
        while (p < counts.Length)
        {
            long x = 0;
            int k = 0;
            bool more = true;
            while (more)
            {
                if (p >= counts.Length)
                {
                    throw new FormatException($"Expected another character to finish the count at position {p}; got the end of the string.");
                }

                int c = counts[p] - 48;
                if (c is < 0 or > 63)
                {
                    throw new FormatException($"Expected characters '0' to 'o' in a COCO counts string; got '{counts[p]}' at position {p}.");
                }

                if (k >= MaxCharsPerCount)
                {
                    throw new FormatException($"Expected at most {MaxCharsPerCount} characters per count; got more at position {p}.");
                }

                x |= (long)(c & 0x1F) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0)
                {
                    x |= -1L << (5 * k);
                }
            }

            if (values.Count > 2)
            {
                x += values[^2];
            }

            if (x is < 0 or > int.MaxValue)
            {
                throw new FormatException($"Expected run lengths from 0 to {int.MaxValue}; got {x} as count {values.Count}.");
            }

            values.Add((int)x);
        }

        return new CocoRle(width, height, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values));
    }

    /// <summary>Writes COCO's compressed counts string (pycocotools <c>rleToString</c>).</summary>
    /// <returns>The string.</returns>
    public string ToCompressedString()
    {
        var s = new StringBuilder(_counts.Length * 2);
        for (int i = 0; i < _counts.Length; i++)
        {
            long x = _counts[i];
            if (i > 2)
            {
                x -= _counts[i - 2];
            }

            bool more = true;
            while (more)
            {
                int c = (int)(x & 0x1F);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more)
                {
                    c |= 0x20;
                }

                s.Append((char)(c + 48));
            }
        }

        return s.ToString();
    }

    /// <summary>Decodes into a row-major buffer of 0 / 1 bytes.</summary>
    /// <param name="destination">Width * height bytes.</param>
    /// <exception cref="ArgumentException">The destination has the wrong length.</exception>
    public void Decode(Span<byte> destination)
    {
        int n = Width * Height;
        if (destination.Length != n)
        {
            throw new ArgumentException($"Expected a destination of {n} bytes for {Width}x{Height}; got {destination.Length}.", nameof(destination));
        }

        int x = 0, y = 0;
        byte value = 0;
        foreach (int run in _counts)
        {
            for (int r = 0; r < run; r++)
            {
                destination[(y * Width) + x] = value;
                if (++y == Height)
                {
                    y = 0;
                    x++;
                }
            }

            value ^= 1;
        }
    }

    /// <summary>Decodes into a new mask.</summary>
    /// <returns>The mask.</returns>
    public BinaryMask ToMask()
    {
        var mask = new BinaryMask(Width, Height);
        Decode(mask.Data);
        return mask;
    }

    private static long ValidateSize(int width, int height)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Expected a mask of at least 1x1 pixels; got {width}x{height}.");
        }

        long n = (long)width * height;
        if (n > Array.MaxLength - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Expected at most {Array.MaxLength - 1} pixels; got {width}x{height}.");
        }

        return n;
    }
}
