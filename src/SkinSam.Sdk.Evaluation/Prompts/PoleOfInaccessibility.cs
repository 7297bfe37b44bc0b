using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Metrics;

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
    /// <remarks>
    /// The transform is the one of the boundary metrics (<c>SkinSam.Sdk.Metrics</c>' Felzenszwalb-Huttenlocher
    /// transform): features are the background pixels of the mask padded by one background pixel on each side, queries
    /// its foreground pixels.
    /// </remarks>
    public static double[] SquaredDistanceToBackground(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        int w = mask.Width, h = mask.Height;

        // Pad by one background pixel on each side so the image edge acts as border.
        int pw = w + 2, ph = h + 2;
        byte[] background = new byte[pw * ph];
        byte[] foreground = new byte[pw * ph];
        background.AsSpan().Fill(1);
        ReadOnlySpan<byte> data = mask.Data;
        int count = 0;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                if (data[(y * w) + x] != 0)
                {
                    int p = ((y + 1) * pw) + x + 1;
                    foreground[p] = 1;
                    background[p] = 0;
                    count++;
                }
            }
        }

        double[] result = new double[w * h];
        if (count == 0)
        {
            return result;
        }

        double[] distances = new double[count];
        var box = new SurfaceBox(count, 0, 0, pw - 1, ph - 1);
        SurfaceDistanceTransform.CollectSquared(pw, box, background, foreground, PixelSpacing.Unit, distances);

        // The distances come in the row-major order of the foreground pixels.
        int next = 0;
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] != 0)
            {
                result[i] = distances[next++];
            }
        }

        return result;
    }
}
