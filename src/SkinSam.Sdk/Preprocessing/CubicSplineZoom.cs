using System.Buffers;

namespace SkinSam.Sdk.Preprocessing;

/// <summary>
/// <c>skimage.transform.resize(image, (outHeight, outWidth), order=3, preserve_range=True, anti_aliasing=True)</c>
/// for an interleaved 8-bit image, in float64, reproducing SciPy's order of operations.
/// </summary>
/// <remarks>
/// <para>
/// What skimage 0.19 with SciPy 1.10 (Debian 12) does, and this class repeats step by step:
/// the uint8 image becomes float64; each shrinking axis is blurred by <see cref="GaussianAntialiasFilter"/>;
/// <c>scipy.ndimage.zoom(order=3, mode='mirror', grid_mode=True)</c> then runs the cubic B-spline prefilter
/// (pole sqrt(3) - 2, gain (1 - z)(1 - 1/z), mirror initial conditions) along rows, columns and the channel
/// axis in that order, and evaluates at input coordinate <c>(o + 0.5) * in / out - 0.5</c> per axis,
/// mirrored into range, summing the 4 x 4 x 4 products <c>((c * wy) * wx) * wc</c> in SciPy's order
/// (the channel axis is interpolated too, at integer positions); finally values are clipped to the input's
/// minimum and maximum.
/// </para>
/// <para>
/// Upscaling therefore matches skimage bit for bit; a shrinking axis can differ by about 1e-16 relative
/// (see <see cref="GaussianAntialiasFilter"/>).
/// </para>
/// </remarks>
internal sealed class CubicSplineZoom : IDisposable
{
    private const double Pole = -0.267949192431122706472553658494127633;

    private readonly int _width;
    private readonly int _height;
    private readonly int _channels;
    private readonly double[] _coefficients;
    private readonly AxisTaps _rows;
    private readonly AxisTaps _columns;
    private readonly AxisTaps _channelTaps;
    private readonly double _min;
    private readonly double _max;

    /// <summary>Prefilters <paramref name="pixels"/> for evaluation at <paramref name="outWidth"/> x <paramref name="outHeight"/>.</summary>
    /// <param name="pixels">Tightly packed, <paramref name="channels"/> interleaved bytes per pixel.</param>
    /// <param name="width">Input width.</param>
    /// <param name="height">Input height.</param>
    /// <param name="channels">Bytes per pixel.</param>
    /// <param name="outWidth">Output width.</param>
    /// <param name="outHeight">Output height.</param>
    public CubicSplineZoom(ReadOnlySpan<byte> pixels, int width, int height, int channels, int outWidth, int outHeight)
    {
        _width = width;
        _height = height;
        _channels = channels;
        OutWidth = outWidth;
        OutHeight = outHeight;
        int n = width * height * channels;
        _coefficients = ArrayPool<double>.Shared.Rent(n);
        Span<double> c = _coefficients.AsSpan(0, n);
        byte min = 255, max = 0;
        for (int i = 0; i < n; i++)
        {
            byte v = pixels[i];
            c[i] = v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        _min = min;
        _max = max;

        int rowStep = width * channels;
        double sigmaY = GaussianAntialiasFilter.Sigma(height, outHeight);
        double sigmaX = GaussianAntialiasFilter.Sigma(width, outWidth);
        if (sigmaY > 1e-15)
        {
            GaussianAntialiasFilter.FilterLines(c, height, rowStep, Range(0, rowStep, 1), GaussianAntialiasFilter.Kernel(sigmaY));
        }

        if (sigmaX > 1e-15)
        {
            GaussianAntialiasFilter.FilterLines(c, width, channels, ColumnLineStarts(height, rowStep, channels), GaussianAntialiasFilter.Kernel(sigmaX));
        }

        // ndimage.spline_filter: axis 0 (down the rows), axis 1 (along a row), axis 2 (channels).
        double[] line = new double[Math.Max(Math.Max(width, height), channels)];
        for (int start = 0; start < rowStep; start++)
        {
            PrefilterLine(c, start, height, rowStep, line);
        }

        foreach (int start in ColumnLineStarts(height, rowStep, channels))
        {
            PrefilterLine(c, start, width, channels, line);
        }

        for (int start = 0; start < n; start += channels)
        {
            PrefilterLine(c, start, channels, 1, line);
        }

        _rows = new AxisTaps(height, outHeight);
        _columns = new AxisTaps(width, outWidth);
        _channelTaps = new AxisTaps(channels, channels);
    }

    /// <summary>Output width.</summary>
    public int OutWidth { get; }

    /// <summary>Output height.</summary>
    public int OutHeight { get; }

    /// <summary>Writes output row <paramref name="y"/>: <c>OutWidth * channels</c> interleaved float64 values, clipped to the input range.</summary>
    public void InterpolateRow(int y, Span<double> row)
    {
        int ch = _channels;
        int rowStep = _width * ch;
        ReadOnlySpan<double> c = _coefficients.AsSpan(0, _width * _height * ch);
        ReadOnlySpan<int> ys = _rows.Indices.AsSpan(y * 4, 4);
        ReadOnlySpan<double> wy = _rows.Weights.AsSpan(y * 4, 4);
        ReadOnlySpan<int> cIdx = _channelTaps.Indices;
        ReadOnlySpan<double> wc = _channelTaps.Weights;
        Span<double> q = stackalloc double[16 * 4];
        for (int x = 0; x < OutWidth; x++)
        {
            ReadOnlySpan<int> xs = _columns.Indices.AsSpan(x * 4, 4);
            ReadOnlySpan<double> wx = _columns.Weights.AsSpan(x * 4, 4);

            // q[a, b, k] = (c[ys[a], xs[b], k] * wy[a]) * wx[b]: the first two factors of every product,
            // shared by all output channels; the channel weight is applied last, as in SciPy.
            for (int a = 0; a < 4; a++)
            {
                int rowBase = ys[a] * rowStep;
                for (int b = 0; b < 4; b++)
                {
                    int p = rowBase + (xs[b] * ch);
                    int o = ((a * 4) + b) * 4;
                    for (int k = 0; k < ch; k++)
                    {
                        q[o + k] = (c[p + k] * wy[a]) * wx[b];
                    }
                }
            }

            for (int k = 0; k < ch; k++)
            {
                ReadOnlySpan<int> ci = cIdx.Slice(k * 4, 4);
                ReadOnlySpan<double> w = wc.Slice(k * 4, 4);
                double t = 0.0;
                for (int ab = 0; ab < 16; ab++)
                {
                    int o = ab * 4;
                    t += q[o + ci[0]] * w[0];
                    t += q[o + ci[1]] * w[1];
                    t += q[o + ci[2]] * w[2];
                    t += q[o + ci[3]] * w[3];
                }

                row[(x * ch) + k] = Math.Min(Math.Max(t, _min), _max);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => ArrayPool<double>.Shared.Return(_coefficients);

    private static int[] Range(int start, int count, int step)
    {
        var r = new int[count];
        for (int i = 0; i < count; i++)
        {
            r[i] = start + (i * step);
        }

        return r;
    }

    private static int[] ColumnLineStarts(int height, int rowStep, int channels)
    {
        var r = new int[height * channels];
        for (int y = 0, i = 0; y < height; y++)
        {
            for (int k = 0; k < channels; k++)
            {
                r[i++] = (y * rowStep) + k;
            }
        }

        return r;
    }

    /// <summary>SciPy's <c>apply_filter</c> for order 3, mirror mode, on one strided line.</summary>
    private static void PrefilterLine(Span<double> data, int start, int n, int step, double[] line)
    {
        if (n <= 1)
        {
            return;
        }

        const double z = Pole;
        double gain = (1.0 - z) * (1.0 - (1.0 / z));
        for (int i = 0; i < n; i++)
        {
            line[i] = data[start + (i * step)] * gain;
        }

        // Causal initial value, mirror boundary.
        double zi = z;
        double zn1 = Math.Pow(z, n - 1);
        line[0] = line[0] + (zn1 * line[n - 1]);
        for (int i = 1; i < n - 1; i++)
        {
            line[0] += zi * (line[i] + (zn1 * line[n - 1 - i]));
            zi *= z;
        }

        line[0] /= 1 - (zn1 * zn1);
        for (int i = 1; i < n; i++)
        {
            line[i] += z * line[i - 1];
        }

        line[n - 1] = ((z * line[n - 2]) + line[n - 1]) * z / ((z * z) - 1);
        for (int i = n - 2; i >= 0; i--)
        {
            line[i] = z * (line[i + 1] - line[i]);
        }

        for (int i = 0; i < n; i++)
        {
            data[start + (i * step)] = line[i];
        }
    }

    /// <summary>Per output sample of one axis: the 4 mirrored input indices and cubic B-spline weights.</summary>
    private sealed class AxisTaps
    {
        public AxisTaps(int inSize, int outSize)
        {
            Indices = new int[outSize * 4];
            Weights = new double[outSize * 4];
            double zoom = (double)inSize / outSize;
            for (int o = 0; o < outSize; o++)
            {
                double cc = ((o + 0.5) * zoom) - 0.5;
                cc = MirrorBoundary.Coordinate(cc, inSize);
                long start = (long)Math.Floor(cc) - 1;
                for (int h = 0; h < 4; h++)
                {
                    Indices[(o * 4) + h] = MirrorBoundary.Index(start + h, inSize);
                }

                double x = cc - Math.Floor(cc);
                double y = x;
                double z = 1.0 - x;
                double w1 = ((y * y * (y - 2.0) * 3.0) + 4.0) / 6.0;
                double w2 = ((z * z * (z - 2.0) * 3.0) + 4.0) / 6.0;
                double w0 = z * z * z / 6.0;
                double w3 = 1.0;
                w3 -= w0;
                w3 -= w1;
                w3 -= w2;
                Weights[o * 4] = w0;
                Weights[(o * 4) + 1] = w1;
                Weights[(o * 4) + 2] = w2;
                Weights[(o * 4) + 3] = w3;
            }
        }

        public int[] Indices { get; }

        public double[] Weights { get; }
    }
}
