namespace SkinSam.Sdk.Benchmarks.Postprocessing;

/// <summary>
/// Baselines: SAM's mask postprocessing written the obvious way. Upsampling follows the reference
/// literally: bilinear 256 to 1024 (align_corners false), crop to the resized frame, bilinear to the
/// original size, each step into a fresh array.
/// </summary>
public static class ScalarMaskPostprocessing
{
    /// <summary>Low-res logits (256 x 256) to logits at the original size.</summary>
    /// <param name="lowRes">65,536 logits.</param>
    /// <param name="width">Original width.</param>
    /// <param name="height">Original height.</param>
    /// <returns>width * height logits.</returns>
    public static float[] Upsample(float[] lowRes, int width, int height)
    {
        float[] full = Resize(lowRes, 256, 256, 256, 1024, 1024);
        double scale = 1024.0 / Math.Max(width, height);
        int newWidth = (int)((width * scale) + 0.5);
        int newHeight = (int)((height * scale) + 0.5);
        return Resize(full, newWidth, newHeight, 1024, width, height);
    }

    /// <summary>Logits above the threshold become 1, others 0.</summary>
    /// <param name="logits">Logits.</param>
    /// <param name="mask">One byte per logit.</param>
    /// <param name="threshold">Logit threshold.</param>
    public static void Threshold(float[] logits, byte[] mask, float threshold)
    {
        for (int i = 0; i < logits.Length; i++)
        {
            mask[i] = logits[i] > threshold ? (byte)1 : (byte)0;
        }
    }

    /// <summary>area(logits &gt; t + offset) / area(logits &gt; t - offset).</summary>
    /// <param name="logits">Logits.</param>
    /// <param name="threshold">t.</param>
    /// <param name="offset">The offset, 1 in SAM.</param>
    /// <returns>The stability score.</returns>
    public static float Stability(float[] logits, float threshold, float offset)
    {
        int intersection = 0, union = 0;
        foreach (float v in logits)
        {
            intersection += v > threshold + offset ? 1 : 0;
            union += v > threshold - offset ? 1 : 0;
        }

        return union == 0 ? 0f : (float)intersection / union;
    }

    private static float[] Resize(float[] source, int sourceWidth, int sourceHeight, int sourceStride, int width, int height)
    {
        var result = new float[width * height];
        float sx = (float)sourceWidth / width, sy = (float)sourceHeight / height;
        for (int y = 0; y < height; y++)
        {
            double fy = Math.Max((sy * (y + 0.5)) - 0.5, 0);
            int y0 = (int)fy;
            int y1 = Math.Min(y0 + 1, sourceHeight - 1);
            float wy = (float)(fy - y0);
            for (int x = 0; x < width; x++)
            {
                double fx = Math.Max((sx * (x + 0.5)) - 0.5, 0);
                int x0 = (int)fx;
                int x1 = Math.Min(x0 + 1, sourceWidth - 1);
                float wx = (float)(fx - x0);
                float top = (source[(y0 * sourceStride) + x0] * (1 - wx)) + (source[(y0 * sourceStride) + x1] * wx);
                float bottom = (source[(y1 * sourceStride) + x0] * (1 - wx)) + (source[(y1 * sourceStride) + x1] * wx);
                result[(y * width) + x] = (top * (1 - wy)) + (bottom * wy);
            }
        }

        return result;
    }
}
