using System.Buffers;

namespace SkinSam.Sdk.Masks;

/// <summary>
/// Fills holes: background regions that do not reach the image border become foreground. Background
/// is 4-connected, as in scipy's <c>ndimage.binary_fill_holes</c> with its default structure, so a
/// background pixel that touches the outside only through a diagonal gap counts as a hole.
/// </summary>
public static class HoleFilling
{
    /// <summary>Fills the holes of <paramref name="mask"/> into <paramref name="destination"/> (0 / 1 bytes).</summary>
    /// <param name="mask">Width * height bytes, row-major; non-zero is foreground.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="destination">Width * height bytes; must not overlap <paramref name="mask"/>.</param>
    /// <exception cref="ArgumentException">A length is wrong or the spans overlap.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    public static void Fill(ReadOnlySpan<byte> mask, int width, int height, Span<byte> destination)
    {
        int n = MaskGeometry.Validate(mask.Length, width, height, destination.Length, nameof(mask));
        if (mask.Overlaps(destination))
        {
            throw new ArgumentException("Expected a destination that does not overlap the mask; got overlapping spans.", nameof(destination));
        }

        // Everything starts as foreground; background reached from the border is cleared again.
        destination.Fill(1);
        int[] stack = ArrayPool<int>.Shared.Rent(n);
        try
        {
            int top = 0;
            for (int x = 0; x < width; x++)
            {
                Seed(mask, destination, stack, ref top, x);
                Seed(mask, destination, stack, ref top, ((height - 1) * width) + x);
            }

            for (int y = 1; y < height - 1; y++)
            {
                Seed(mask, destination, stack, ref top, y * width);
                Seed(mask, destination, stack, ref top, (y * width) + width - 1);
            }

            while (top > 0)
            {
                int i = stack[--top];
                int x = i % width;
                if (x > 0)
                {
                    Seed(mask, destination, stack, ref top, i - 1);
                }

                if (x < width - 1)
                {
                    Seed(mask, destination, stack, ref top, i + 1);
                }

                if (i >= width)
                {
                    Seed(mask, destination, stack, ref top, i - width);
                }

                if (i < n - width)
                {
                    Seed(mask, destination, stack, ref top, i + width);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(stack);
        }
    }

    /// <summary>A new mask with the holes of <paramref name="mask"/> filled.</summary>
    /// <param name="mask">The mask.</param>
    /// <returns>The filled mask (0 / 1 bytes).</returns>
    public static BinaryMask Fill(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var result = new BinaryMask(mask.Width, mask.Height);
        Fill(mask.Data, mask.Width, mask.Height, result.Data);
        return result;
    }

    private static void Seed(ReadOnlySpan<byte> mask, Span<byte> destination, int[] stack, ref int top, int i)
    {
        if (mask[i] == 0 && destination[i] != 0)
        {
            destination[i] = 0;
            stack[top++] = i;
        }
    }
}
