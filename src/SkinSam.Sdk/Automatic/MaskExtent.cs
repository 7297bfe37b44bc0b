namespace SkinSam.Sdk.Automatic;

/// <summary>The inclusive extreme pixels of a row-major mask, with vectorised row scans.</summary>
internal static class MaskExtent
{
    /// <summary>(x_min, y_min, x_max, y_max) of the foreground, inclusive; (0, 0, 0, 0) when the mask is empty.</summary>
    internal static (int X0, int Y0, int X1, int Y1) Of(ReadOnlySpan<byte> mask, int width, int height)
    {
        int top = -1, bottom = -1, left = width, right = -1;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = mask.Slice(y * width, width);
            int first = row.IndexOfAnyExcept((byte)0);
            if (first < 0)
            {
                continue;
            }

            if (top < 0)
            {
                top = y;
            }

            bottom = y;
            left = Math.Min(left, first);
            right = Math.Max(right, row.LastIndexOfAnyExcept((byte)0));
        }

        return top < 0 ? (0, 0, 0, 0) : (left, top, right, bottom);
    }
}
