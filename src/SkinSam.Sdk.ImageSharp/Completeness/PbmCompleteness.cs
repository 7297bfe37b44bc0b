namespace SkinSam.Sdk.ImageSharp.Completeness;

/// <summary>
/// The PBM/PGM/PPM rule: the raster after the text header holds every sample the header's size and maximum value
/// need (binary P4, P5, P6), or at least one character per sample, plus separators where the format needs them
/// (plain P1, P2, P3).
/// </summary>
internal static class PbmCompleteness
{
    /// <summary>Returns "expected ...; got ..." for the first problem, or null when the raster is long enough.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="width">Width from the header.</param>
    /// <param name="height">Height from the header.</param>
    /// <returns>The problem, or null.</returns>
    public static string? Problem(ReadOnlySpan<byte> data, int width, int height)
    {
        if (data.Length < 3 || data[0] != 'P' || data[1] is < (byte)'1' or > (byte)'6')
        {
            return null; // ImageSharp's own header checks report these.
        }

        int kind = data[1] - '0';
        int fields = kind is 1 or 4 ? 2 : 3;
        int pos = 2;
        long maxValue = 1;
        for (int f = 0; f < fields; f++)
        {
            long value = ReadNumber(data, ref pos);
            if (value < 0)
            {
                return null;
            }

            if (f == 2)
            {
                maxValue = value;
            }
        }

        pos++; // The single whitespace byte before the raster.
        long samples = (long)width * height * (kind is 3 or 6 ? 3 : 1);
        int sampleBytes = maxValue > 255 ? 2 : 1;
        long needed = kind switch
        {
            4 => ((width + 7L) / 8) * height,
            5 or 6 => samples * sampleBytes,
            1 => samples,
            _ => (2 * samples) - 1,
        };
        long got = Math.Max(0, data.Length - pos);
        return got < needed ? $"expected at least {needed} raster bytes for a {width}x{height} P{kind} image; got {got} (truncated)" : null;
    }

    private static long ReadNumber(ReadOnlySpan<byte> data, ref int pos)
    {
        while (pos < data.Length)
        {
            if (data[pos] == '#')
            {
                while (pos < data.Length && data[pos] != '\n' && data[pos] != '\r')
                {
                    pos++;
                }
            }
            else if (data[pos] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f' or (byte)'\v')
            {
                pos++;
            }
            else
            {
                break;
            }
        }

        long value = -1;
        while (pos < data.Length && data[pos] is >= (byte)'0' and <= (byte)'9' && value < int.MaxValue)
        {
            value = (Math.Max(value, 0) * 10) + (data[pos] - '0');
            pos++;
        }

        return value;
    }
}
