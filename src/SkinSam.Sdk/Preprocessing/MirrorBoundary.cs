namespace SkinSam.Sdk.Preprocessing;

/// <summary>
/// SciPy ndimage's <c>mirror</c> boundary (NumPy's <c>reflect</c>): <c>d c b | a b c d | c b a</c>, periodic
/// with period <c>2n - 2</c>; a length-1 axis repeats its only sample.
/// </summary>
internal static class MirrorBoundary
{
    /// <summary>Maps a sample index that may lie outside <c>0..length-1</c> into it.</summary>
    public static int Index(long index, int length)
    {
        if (length <= 1)
        {
            return 0;
        }

        long period = (2L * length) - 2;
        if (index < 0)
        {
            index = (period * (-index / period)) + index;
            index = index <= 1 - length ? index + period : -index;
        }
        else if (index >= length)
        {
            index -= period * (index / period);
            if (index >= length)
            {
                index = period - index;
            }
        }

        return (int)index;
    }

    /// <summary>Maps a coordinate outside <c>[0, length-1]</c> into it, as ndimage's <c>map_coordinate</c> does.</summary>
    public static double Coordinate(double x, int length)
    {
        if (x < 0)
        {
            if (length <= 1)
            {
                return 0;
            }

            long period = (2L * length) - 2;
            x = (period * (long)(-x / period)) + x;
            x = x <= 1 - length ? x + period : -x;
        }
        else if (x > length - 1)
        {
            if (length <= 1)
            {
                return 0;
            }

            long period = (2L * length) - 2;
            x -= period * (long)(x / period);
            if (x >= length)
            {
                x = period - x;
            }
        }

        return x;
    }
}
