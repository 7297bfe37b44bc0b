namespace SkinSam.Sdk.Preprocessing;

/// <summary>
/// The anti-aliasing blur of <c>skimage.transform.resize</c>: <c>scipy.ndimage.gaussian_filter</c> with
/// sigma <c>(in / out - 1) / 2</c> along each shrinking axis, truncated at 4 sigma, mirror boundary, float64.
/// </summary>
/// <remarks>
/// Follows SciPy's order of operations (kernel <c>exp(-0.5 / sigma^2 * x^2)</c> normalised by NumPy's sum,
/// symmetric correlation <c>in[0] * w[0] + sum (in[-j] + in[j]) * w[j]</c>). NumPy evaluates the kernel's
/// <c>exp</c> with its own SIMD code where the CPU has AVX-512, which can differ from the C library's
/// <c>exp</c> by one unit in the last place; the blurred values then differ by about 1e-16 relative.
/// </remarks>
internal static class GaussianAntialiasFilter
{
    /// <summary>The sigma skimage uses for an axis resized from <paramref name="inSize"/> to <paramref name="outSize"/>; 0 when not shrinking.</summary>
    public static double Sigma(int inSize, int outSize) => Math.Max(0.0, (((double)inSize / outSize) - 1) / 2);

    /// <summary>The normalised kernel, <c>2r + 1</c> taps with <c>r = int(4 sigma + 0.5)</c>.</summary>
    public static double[] Kernel(double sigma)
    {
        int radius = (int)((4.0 * sigma) + 0.5);
        var phi = new double[(2 * radius) + 1];
        double sigma2 = sigma * sigma;
        double factor = -0.5 / sigma2;
        for (int i = 0; i < phi.Length; i++)
        {
            long x = i - radius;
            phi[i] = Math.Exp(factor * (double)(x * x));
        }

        double sum = NumPySum(phi);
        for (int i = 0; i < phi.Length; i++)
        {
            phi[i] /= sum;
        }

        return phi;
    }

    /// <summary>NumPy's pairwise sum for up to 128 values (8 partial sums), so rounding matches <c>ndarray.sum()</c>.</summary>
    public static double NumPySum(ReadOnlySpan<double> a)
    {
        if (a.Length > 128)
        {
            throw new ArgumentOutOfRangeException(nameof(a), a.Length, $"Expected at most 128 values; got {a.Length}.");
        }

        if (a.Length < 8)
        {
            double s = 0.0;
            foreach (double v in a)
            {
                s += v;
            }

            return s;
        }

        Span<double> r = stackalloc double[8];
        a[..8].CopyTo(r);
        int i = 8;
        for (; i < a.Length - (a.Length % 8); i += 8)
        {
            for (int j = 0; j < 8; j++)
            {
                r[j] += a[i + j];
            }
        }

        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < a.Length; i++)
        {
            res += a[i];
        }

        return res;
    }

    /// <summary>
    /// Blurs <paramref name="data"/> in place along one axis: <paramref name="length"/> samples
    /// <paramref name="step"/> apart per line, lines starting at each of <paramref name="lineStarts"/>.
    /// </summary>
    public static void FilterLines(Span<double> data, int length, int step, ReadOnlySpan<int> lineStarts, ReadOnlySpan<double> kernel)
    {
        int radius = kernel.Length / 2;
        double[] line = new double[length + (2 * radius)];
        ReadOnlySpan<double> w = kernel[radius..];
        foreach (int start in lineStarts)
        {
            for (int i = -radius; i < length + radius; i++)
            {
                line[i + radius] = data[start + (MirrorBoundary.Index(i, length) * step)];
            }

            for (int i = 0; i < length; i++)
            {
                int c = i + radius;
                double t = line[c] * w[0];
                for (int j = radius; j >= 1; j--)
                {
                    t += (line[c - j] + line[c + j]) * w[j];
                }

                data[start + (i * step)] = t;
            }
        }
    }
}
