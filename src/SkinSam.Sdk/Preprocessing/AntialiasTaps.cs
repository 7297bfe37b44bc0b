namespace SkinSam.Sdk.Preprocessing;

/// <summary>
/// Float32 filter taps for one axis of PyTorch's antialiased bilinear resize
/// (<c>F.interpolate(mode="bilinear", align_corners=False, antialias=True)</c>) from <c>inSize</c> to <c>outSize</c>
/// samples: output <c>i</c> sums <see cref="Count"/>[i] inputs from <see cref="First"/>[i] with
/// <see cref="Weights"/>[i * <see cref="Stride"/> + j].
/// </summary>
/// <remarks>
/// The arithmetic follows ATen's <c>HelperInterpBase::_compute_weights_aa</c> for a float tensor, including where it
/// widens to double: <c>scale = (float)in / out</c>; <c>support = (float)(1.0 * scale)</c> when shrinking, else 1;
/// <c>center = (float)(scale * (i + 0.5))</c>; taps from <c>(long)(center - support + 0.5)</c> (at least 0) to
/// <c>(long)(center + support + 0.5)</c> (at most in); weight <c>triangle((float)((j + xmin - center + 0.5) * invscale))</c>
/// with <c>invscale = (float)(1.0 / scale)</c> when shrinking, else 1; each weight divided by their float32 sum.
/// Pillow's taps (<see cref="ResampleCoefficients"/>) have the same shape but fixed-point weights.
/// </remarks>
internal sealed class AntialiasTaps
{
    private AntialiasTaps(int stride, int[] first, int[] count, float[] weights)
    {
        Stride = stride;
        First = first;
        Count = count;
        Weights = weights;
    }

    /// <summary>Weights reserved per output sample.</summary>
    public int Stride { get; }

    /// <summary>First input sample of each output sample.</summary>
    public int[] First { get; }

    /// <summary>Input samples used by each output sample, at least 1.</summary>
    public int[] Count { get; }

    /// <summary>Normalised weights, <see cref="Stride"/> per output sample.</summary>
    public float[] Weights { get; }

    /// <summary>Computes the taps.</summary>
    /// <param name="inSize">Input samples, at least 1.</param>
    /// <param name="outSize">Output samples, at least 1.</param>
    /// <returns>The taps.</returns>
    public static AntialiasTaps Compute(int inSize, int outSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outSize, 1);
        float scale = (float)inSize / outSize;
        float support = scale >= 1.0f ? (float)(1.0 * scale) : 1.0f;
        float invscale = scale >= 1.0f ? (float)(1.0 / scale) : 1.0f;
        int stride = ((int)MathF.Ceiling(support) * 2) + 1;
        var first = new int[outSize];
        var count = new int[outSize];
        var weights = new float[outSize * stride];
        for (int i = 0; i < outSize; i++)
        {
            float center = (float)(scale * (i + 0.5));
            long xmin = Math.Max((long)(center - support + 0.5), 0L);
            long xsize = Math.Min((long)(center + support + 0.5), inSize) - xmin;
            Span<float> w = weights.AsSpan(i * stride, stride);
            float total = 0f;
            for (int j = 0; j < xsize; j++)
            {
                float x = (float)(((j + xmin) - center + 0.5) * invscale);
                float value = Triangle(x);
                w[j] = value;
                total += value;
            }

            if (total != 0f)
            {
                for (int j = 0; j < xsize; j++)
                {
                    w[j] /= total;
                }
            }

            // Clamping keeps the taps inside the input even where float rounding would put them one past an edge.
            first[i] = (int)Math.Min(xmin, inSize - 1);
            count[i] = (int)Math.Clamp(xsize, 1, inSize - first[i]);
        }

        return new AntialiasTaps(stride, first, count, weights);
    }

    private static float Triangle(float x)
    {
        if (x < 0f)
        {
            x = -x;
        }

        return x < 1f ? 1f - x : 0f;
    }
}
