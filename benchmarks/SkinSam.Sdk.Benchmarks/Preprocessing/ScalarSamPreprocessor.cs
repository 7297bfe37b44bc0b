namespace SkinSam.Sdk.Benchmarks.Preprocessing;

/// <summary>
/// The baseline: SAM preprocessing written the obvious way, one pixel and one channel at a time.
/// Pillow's BILINEAR resize (triangle filter widened when shrinking, 22-bit fixed-point weights,
/// horizontal then vertical pass, each rounded and clamped), then (v - mean) / std into NCHW with
/// zero padding. Allocates its scratch on every call, as straightforward code would.
/// </summary>
public static class ScalarSamPreprocessor
{
    private const int PrecisionBits = 22;
    private static readonly double[] Mean = [123.675, 116.28, 103.53];
    private static readonly double[] Std = [58.395, 57.12, 57.375];

    /// <summary>Preprocesses a packed RGB image into a 1 x 3 x target x target tensor.</summary>
    /// <param name="rgb">Packed Rgb24 pixels.</param>
    /// <param name="width">Width.</param>
    /// <param name="height">Height.</param>
    /// <param name="destination">3 * target * target floats.</param>
    /// <param name="target">Long side of the model input (1024).</param>
    public static void Preprocess(byte[] rgb, int width, int height, float[] destination, int target = 1024)
    {
        double scale = target * 1.0 / Math.Max(width, height);
        int newWidth = (int)((width * scale) + 0.5);
        int newHeight = (int)((height * scale) + 0.5);

        var horizontal = new byte[height * newWidth * 3];
        (int[] xFirst, int[] xCount, int[][] xWeights) = Coefficients(width, newWidth);
        for (int y = 0; y < height; y++)
        {
            for (int xx = 0; xx < newWidth; xx++)
            {
                for (int c = 0; c < 3; c++)
                {
                    long sum = 1 << (PrecisionBits - 1);
                    for (int k = 0; k < xCount[xx]; k++)
                    {
                        sum += rgb[(((y * width) + xFirst[xx] + k) * 3) + c] * (long)xWeights[xx][k];
                    }

                    horizontal[(((y * newWidth) + xx) * 3) + c] = Clip(sum);
                }
            }
        }

        var resized = new byte[newHeight * newWidth * 3];
        (int[] yFirst, int[] yCount, int[][] yWeights) = Coefficients(height, newHeight);
        for (int yy = 0; yy < newHeight; yy++)
        {
            for (int x = 0; x < newWidth * 3; x++)
            {
                long sum = 1 << (PrecisionBits - 1);
                for (int k = 0; k < yCount[yy]; k++)
                {
                    sum += horizontal[((yFirst[yy] + k) * newWidth * 3) + x] * (long)yWeights[yy][k];
                }

                resized[(yy * newWidth * 3) + x] = Clip(sum);
            }
        }

        Array.Clear(destination);
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < newHeight; y++)
            {
                for (int x = 0; x < newWidth; x++)
                {
                    destination[(c * target * target) + (y * target) + x] = (float)((resized[(((y * newWidth) + x) * 3) + c] - Mean[c]) / Std[c]);
                }
            }
        }
    }

    private static (int[] First, int[] Count, int[][] Weights) Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = filterScale;
        var first = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize][];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            int xmin = Math.Max((int)(center - support + 0.5), 0);
            int xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            var k = new double[xmax];
            double total = 0;
            for (int x = 0; x < xmax; x++)
            {
                k[x] = Math.Max(0.0, 1.0 - Math.Abs((x + xmin - center + 0.5) / filterScale));
                total += k[x];
            }

            weights[xx] = new int[xmax];
            for (int x = 0; x < xmax; x++)
            {
                double w = total != 0 ? k[x] / total : k[x];
                weights[xx][x] = w < 0 ? (int)(-0.5 + (w * (1 << PrecisionBits))) : (int)(0.5 + (w * (1 << PrecisionBits)));
            }

            first[xx] = xmin;
            count[xx] = xmax;
        }

        return (first, count, weights);
    }

    private static byte Clip(long sum) => (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);
}
