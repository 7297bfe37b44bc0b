namespace SkinSam.Sdk.Tests.Postprocessing;

/// <summary>
/// A per-pixel scalar transcription of PyTorch's bilinear kernel (align_corners=False): float32 scale,
/// double source coordinate, horizontal then vertical, each as <c>fma(p, w0, q * w1)</c> in float32
/// (torch's compiled kernel contracts <c>p * w0 + q * w1</c> that way).
/// </summary>
internal static class BilinearReference
{
    public static float[] Resize(float[] source, int sourceWidth, int sourceHeight, int width, int height)
    {
        var result = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            (int y0, int y1, float wy0, float wy1) = Taps(sourceHeight, height, y);
            for (int x = 0; x < width; x++)
            {
                (int x0, int x1, float wx0, float wx1) = Taps(sourceWidth, width, x);
                float top = MathF.FusedMultiplyAdd(source[(y0 * sourceWidth) + x0], wx0, source[(y0 * sourceWidth) + x1] * wx1);
                float bottom = MathF.FusedMultiplyAdd(source[(y1 * sourceWidth) + x0], wx0, source[(y1 * sourceWidth) + x1] * wx1);
                result[(y * width) + x] = sourceHeight == height ? top : MathF.FusedMultiplyAdd(top, wy0, bottom * wy1);
            }
        }

        return result;
    }

    private static (int I0, int I1, float W0, float W1) Taps(int inSize, int outSize, int o)
    {
        if (inSize == outSize)
        {
            return (o, o, 1f, 0f);
        }

        float scale = (float)inSize / outSize;
        double src = Math.Max((scale * (o + 0.5)) - 0.5, 0.0);
        int i0 = (int)src;
        int i1 = i0 < inSize - 1 ? i0 + 1 : i0;
        float w1 = (float)Math.Clamp(src - i0, 0.0, 1.0);
        return (i0, i1, 1f - w1, w1);
    }
}
