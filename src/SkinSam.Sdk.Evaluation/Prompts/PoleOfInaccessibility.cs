using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Evaluation.Prompts;

/// <summary>
/// The interior pixel of a mask farthest from its border: the argmax of the exact Euclidean distance transform
/// (Felzenszwalb and Huttenlocher 2012) of the foreground, where pixels outside the image count as background
/// (as <c>scipy.ndimage.distance_transform_edt</c> of the zero-padded mask). Ties go to the first pixel in row-major
/// order (as <c>numpy.argmax</c>).
/// </summary>
public static class PoleOfInaccessibility
{
    /// <summary>Finds the pixel.</summary>
    /// <param name="mask">A mask with at least one foreground pixel.</param>
    /// <returns>The pixel's column and row, and its distance to the nearest background pixel (pixel centres).</returns>
    /// <exception cref="ArgumentException">The mask is empty.</exception>
    public static (int X, int Y, double Distance) Find(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        double[] squared = SquaredDistanceToBackground(mask);
        int best = -1;
        double bestValue = 0;
        for (int i = 0; i < squared.Length; i++)
        {
            if (squared[i] > bestValue)
            {
                bestValue = squared[i];
                best = i;
            }
        }

        if (best < 0)
        {
            throw new ArgumentException($"Expected a mask with at least one foreground pixel; got an empty {mask.Width}x{mask.Height} mask.", nameof(mask));
        }

        return (best % mask.Width, best / mask.Width, Math.Sqrt(bestValue));
    }

    /// <summary>Squared distance of every pixel to the nearest background pixel (0 on background), outside the image being background.</summary>
    /// <param name="mask">The mask.</param>
    /// <returns>Width * height squared distances, row-major.</returns>
    public static double[] SquaredDistanceToBackground(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        int w = mask.Width, h = mask.Height;

        // Pad by one background pixel on each side so the image edge acts as border.
        int pw = w + 2, ph = h + 2;
        double[] grid = new double[pw * ph];
        ReadOnlySpan<byte> data = mask.Data;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                grid[((y + 1) * pw) + x + 1] = data[(y * w) + x] != 0 ? double.PositiveInfinity : 0;
            }
        }

        int n = Math.Max(pw, ph);
        double[] f = new double[n];
        double[] d = new double[n];
        int[] v = new int[n];
        double[] z = new double[n + 1];
        for (int x = 0; x < pw; x++)
        {
            for (int y = 0; y < ph; y++)
            {
                f[y] = grid[(y * pw) + x];
            }

            Transform1D(f, ph, d, v, z);
            for (int y = 0; y < ph; y++)
            {
                grid[(y * pw) + x] = d[y];
            }
        }

        for (int y = 0; y < ph; y++)
        {
            Array.Copy(grid, y * pw, f, 0, pw);
            Transform1D(f, pw, d, v, z);
            Array.Copy(d, 0, grid, y * pw, pw);
        }

        double[] result = new double[w * h];
        for (int y = 0; y < h; y++)
        {
            Array.Copy(grid, ((y + 1) * pw) + 1, result, y * w, w);
        }

        return result;
    }

    private static void Transform1D(double[] f, int n, double[] d, int[] v, double[] z)
    {
        int k = -1;
        for (int q = 0; q < n; q++)
        {
            if (double.IsPositiveInfinity(f[q]))
            {
                continue;
            }

            if (k < 0)
            {
                k = 0;
                v[0] = q;
                z[0] = double.NegativeInfinity;
                z[1] = double.PositiveInfinity;
                continue;
            }

            double s;
            while (true)
            {
                int p = v[k];
                s = ((f[q] + ((double)q * q)) - (f[p] + ((double)p * p))) / (2.0 * (q - p));
                if (s <= z[k] && k > 0)
                {
                    k--;
                    continue;
                }

                break;
            }

            if (s <= z[k])
            {
                // k == 0 and the new parabola dominates everywhere.
                v[0] = q;
                z[0] = double.NegativeInfinity;
                z[1] = double.PositiveInfinity;
                continue;
            }

            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = double.PositiveInfinity;
        }

        if (k < 0)
        {
            for (int q = 0; q < n; q++)
            {
                d[q] = double.PositiveInfinity;
            }

            return;
        }

        int j = 0;
        for (int q = 0; q < n; q++)
        {
            while (z[j + 1] < q)
            {
                j++;
            }

            double diff = q - v[j];
            d[q] = (diff * diff) + f[v[j]];
        }
    }
}
