using System.Numerics.Tensors;

namespace SkinSam.Sdk.Metrics;

/// <summary>
/// Finds the surface (boundary) pixels of a mask: foreground pixels with at least one 4-neighbour
/// (left, right, up, down) that is background or outside the image. This equals
/// <c>mask &amp; ~scipy.ndimage.binary_erosion(mask, generate_binary_structure(2, 1), border_value=0)</c>,
/// the definition MedPy uses.
/// </summary>
internal static class SurfaceExtraction
{
    /// <summary>
    /// Writes 1 at every surface pixel of <paramref name="mask"/> (nonzero = foreground) and 0 elsewhere
    /// into <paramref name="surface"/>; <paramref name="foreground"/> is scratch of the same length.
    /// </summary>
    public static SurfaceBox Extract(int width, int height, ReadOnlySpan<byte> mask, Span<byte> foreground, Span<byte> surface)
    {
        int n = width * height;
        mask = mask[..n];
        foreground = foreground[..n];
        surface = surface[..n];

        // Nonzero bytes become 1 so that bitwise AND of neighbours means "all foreground".
        TensorPrimitives.Min(mask, (byte)1, foreground);

        int count = 0, minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = foreground.Slice(y * width, width);
            Span<byte> dst = surface.Slice(y * width, width);
            int first = row.IndexOfAnyExcept((byte)0);
            if (first < 0)
            {
                dst.Clear();
                continue;
            }

            if (y == 0 || y == height - 1 || width <= 2)
            {
                row.CopyTo(dst);
            }
            else
            {
                // interior = up & down & left & right (inner columns only; border columns are never interior),
                // surface = row ^ (row & interior).
                ReadOnlySpan<byte> up = foreground.Slice((y - 1) * width, width);
                ReadOnlySpan<byte> down = foreground.Slice((y + 1) * width, width);
                Span<byte> inner = dst[1..^1];
                TensorPrimitives.BitwiseAnd(up[1..^1], down[1..^1], inner);
                TensorPrimitives.BitwiseAnd(inner, row[..^2], inner);
                TensorPrimitives.BitwiseAnd(inner, row[2..], inner);
                TensorPrimitives.BitwiseAnd(inner, row[1..^1], inner);
                TensorPrimitives.Xor(inner, row[1..^1], inner);
                dst[0] = row[0];
                dst[^1] = row[^1];
                first = ((ReadOnlySpan<byte>)dst).IndexOfAnyExcept((byte)0);
                if (first < 0)
                {
                    continue;
                }
            }

            ReadOnlySpan<byte> surfaceRow = dst;
            count += (int)ForegroundCounting.CountNonZero(surfaceRow);
            int last = surfaceRow.LastIndexOfAnyExcept((byte)0);
            minX = Math.Min(minX, first);
            maxX = Math.Max(maxX, last);
            minY = Math.Min(minY, y);
            maxY = y;
        }

        return count == 0 ? default : new SurfaceBox(count, minX, minY, maxX, maxY);
    }
}
