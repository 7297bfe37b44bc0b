namespace SkinSam.Sdk.Metrics.Tests;

/// <summary>Deterministic masks for tests.</summary>
internal static class MaskFactory
{
    /// <summary>Random bytes where a pixel is foreground (a random nonzero value) with the given probability.</summary>
    public static byte[] Random(int length, double density, int seed)
    {
        var random = new Random(seed);
        var mask = new byte[length];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = random.NextDouble() < density ? (byte)random.Next(1, 256) : (byte)0;
        }

        return mask;
    }

    /// <summary>A filled ellipse, 255 inside, centred at (cx, cy) with radii (rx, ry).</summary>
    public static byte[] Ellipse(int width, int height, double cx, double cy, double rx, double ry)
    {
        var mask = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double u = (x - cx) / rx;
                double v = (y - cy) / ry;
                mask[(y * width) + x] = (u * u) + (v * v) <= 1 ? (byte)255 : (byte)0;
            }
        }

        return mask;
    }
}
