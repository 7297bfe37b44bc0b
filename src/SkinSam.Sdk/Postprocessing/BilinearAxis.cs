namespace SkinSam.Sdk.Postprocessing;

/// <summary>
/// Source indices and weights of one axis of PyTorch's <c>upsample_bilinear2d</c> CPU kernel with
/// <c>align_corners=False</c> and an explicit output size.
/// </summary>
/// <remarks>
/// PyTorch computes the scale in float32 (<c>(float)in / out</c>), the source coordinate
/// <c>scale * (dst + 0.5) - 0.5</c> in double (the literals are double), clamps it at 0, truncates it
/// to the first index, takes the next index unless it is the last one, and stores the weights as
/// float32 with <c>w0 = 1 - w1</c>. An axis whose size does not change is copied. These weights were
/// checked to equal torch 1.13's bit for bit by interpolating identity matrices, for 192 pairs of
/// input and output sizes between 1 and 1024 (a float32 source coordinate does not reproduce them).
/// </remarks>
internal static class BilinearAxis
{
    /// <summary>Fills two taps per output position: <c>index[2 * o + k]</c>, <c>weight[2 * o + k]</c>.</summary>
    public static void FillTwoTaps(int inSize, int outSize, Span<int> index, Span<float> weight)
    {
        if (index.Length < 2 * outSize || weight.Length < 2 * outSize)
        {
            throw new ArgumentException($"Expected room for {2 * outSize} taps; got {index.Length} indices and {weight.Length} weights.", nameof(index));
        }

        if (inSize == outSize)
        {
            for (int o = 0; o < outSize; o++)
            {
                index[2 * o] = o;
                index[(2 * o) + 1] = o;
                weight[2 * o] = 1f;
                weight[(2 * o) + 1] = 0f;
            }

            return;
        }

        float scale = (float)inSize / outSize;
        for (int o = 0; o < outSize; o++)
        {
            double source = (scale * (o + 0.5)) - 0.5;
            if (source < 0)
            {
                source = 0;
            }

            int i0 = (int)source;
            int i1 = i0 < inSize - 1 ? i0 + 1 : i0;
            float w1 = (float)Math.Clamp(source - i0, 0.0, 1.0);
            index[2 * o] = i0;
            index[(2 * o) + 1] = i1;
            weight[2 * o] = 1f - w1;
            weight[(2 * o) + 1] = w1;
        }
    }

    /// <summary>True when the axis is a plain copy (PyTorch's special case for equal sizes).</summary>
    public static bool IsIdentity(int inSize, int outSize) => inSize == outSize;
}
