using SkinSam.Sdk.Imaging;

namespace SkinSam.Sdk.Benchmarks.Infrastructure;

/// <summary>Seeded, lesion-like inputs: the same bytes on every run and in every process.</summary>
public static class SyntheticData
{
    /// <summary>A dermoscopy-like RGB image: skin-toned gradient, a darker ellipse, pixel noise.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="seed">Noise seed.</param>
    /// <returns>A packed Rgb24 buffer.</returns>
    public static ImageBuffer LesionImage(int width, int height, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height * 3];
        double cx = width * (0.45 + (0.1 * random.NextDouble())), cy = height * (0.45 + (0.1 * random.NextDouble()));
        double rx = width * 0.25, ry = height * 0.2;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double dx = (x - cx) / rx, dy = (y - cy) / ry;
                bool lesion = (dx * dx) + (dy * dy) < 1.0;
                int shade = (x + y) * 40 / (width + height);
                int noise = random.Next(-12, 13);
                int o = ((y * width) + x) * 3;
                pixels[o] = Clamp((lesion ? 110 : 215) - shade + noise);
                pixels[o + 1] = Clamp((lesion ? 70 : 165) - shade + noise);
                pixels[o + 2] = Clamp((lesion ? 60 : 145) - shade + noise);
            }
        }

        return new ImageBuffer(pixels, width, height, PixelFormat.Rgb24);
    }

    /// <summary>A filled ellipse mask, 1 inside and 0 outside.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="cx">Centre x.</param>
    /// <param name="cy">Centre y.</param>
    /// <param name="rx">Radius along x.</param>
    /// <param name="ry">Radius along y.</param>
    /// <returns>width * height bytes, row-major.</returns>
    public static byte[] EllipseMask(int width, int height, double cx, double cy, double rx, double ry)
    {
        var mask = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double dx = (x - cx) / rx, dy = (y - cy) / ry;
                mask[(y * width) + x] = (dx * dx) + (dy * dy) < 1.0 ? (byte)1 : (byte)0;
            }
        }

        return mask;
    }

    /// <summary>Low-resolution mask logits (256 x 256): positive inside an ellipse, smooth, with a little noise.</summary>
    /// <param name="seed">Noise seed.</param>
    /// <returns>65,536 logits.</returns>
    public static float[] LowResLogits(int seed)
    {
        const int side = 256;
        var random = new Random(seed);
        var logits = new float[side * side];
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                double dx = (x - 120) / 70.0, dy = (y - 90) / 50.0;
                logits[(y * side) + x] = (float)((8.0 * (1.0 - Math.Sqrt((dx * dx) + (dy * dy)))) + (random.NextDouble() - 0.5));
            }
        }

        return logits;
    }

    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);
}
