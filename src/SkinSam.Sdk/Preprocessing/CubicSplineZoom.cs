using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    private readonly bool _channelVector;

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

        // One spare element: the vector path loads 4 doubles for a 3-channel pixel.
        _coefficients = ArrayPool<double>.Shared.Rent(n + 1);
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

        // The vector path hard-codes the mirrored channel taps of a 3-channel image; check they are these.
        _channelVector = channels == 3 && Vector256.IsHardwareAccelerated
            && _channelTaps.Indices.AsSpan().SequenceEqual([1, 0, 1, 2, 0, 1, 2, 1, 1, 2, 1, 0])
            && _channelTaps.Weights.AsSpan(0, 4).SequenceEqual(_channelTaps.Weights.AsSpan(4, 4))
            && _channelTaps.Weights.AsSpan(0, 4).SequenceEqual(_channelTaps.Weights.AsSpan(8, 4));
    }

    /// <summary>Output width.</summary>
    public int OutWidth { get; }

    /// <summary>Output height.</summary>
    public int OutHeight { get; }

    /// <summary>Writes output row <paramref name="y"/>: <c>OutWidth * channels</c> interleaved float64 values, clipped to the input range.</summary>
    public void InterpolateRow(int y, Span<double> row)
    {
        if (row.Length < OutWidth * _channels)
        {
            throw new ArgumentException($"Expected a row of at least {OutWidth * _channels} values; got {row.Length}.", nameof(row));
        }

        if (_channelVector)
        {
            InterpolateRowRgbVector256(y, row);
            return;
        }

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

    /// <summary>
    /// <see cref="InterpolateRow"/> for 3 channels with the output channels in lanes 0..2: per source tap
    /// (a, b) the products <c>(c * wy) * wx</c> of the pixel's 3 coefficients are formed once, then for each
    /// channel tap the lanes pick their mirrored channel (a constant permutation) and add <c>q * wc</c>.
    /// Each lane performs exactly the scalar sequence of roundings, so results are identical.
    /// </summary>
    private void InterpolateRowRgbVector256(int y, Span<double> row)
    {
        int rowStep = _width * 3;
        ref double c = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        ref int ys = ref MemoryMarshal.GetArrayDataReference(_rows.Indices);
        ref double wys = ref MemoryMarshal.GetArrayDataReference(_rows.Weights);
        ref int xs0 = ref MemoryMarshal.GetArrayDataReference(_columns.Indices);
        ref double wxs0 = ref MemoryMarshal.GetArrayDataReference(_columns.Weights);
        double wc0 = _channelTaps.Weights[0], wc1 = _channelTaps.Weights[1], wc2 = _channelTaps.Weights[2], wc3 = _channelTaps.Weights[3];
        Vector256<double> min = Vector256.Create(_min), max = Vector256.Create(_max);
        int r0 = Unsafe.Add(ref ys, y * 4) * rowStep, r1 = Unsafe.Add(ref ys, (y * 4) + 1) * rowStep;
        int r2 = Unsafe.Add(ref ys, (y * 4) + 2) * rowStep, r3 = Unsafe.Add(ref ys, (y * 4) + 3) * rowStep;
        double wy0 = Unsafe.Add(ref wys, y * 4), wy1 = Unsafe.Add(ref wys, (y * 4) + 1);
        double wy2 = Unsafe.Add(ref wys, (y * 4) + 2), wy3 = Unsafe.Add(ref wys, (y * 4) + 3);
        for (int x = 0; x < OutWidth; x++)
        {
            ref int xs = ref Unsafe.Add(ref xs0, x * 4);
            ref double wx = ref Unsafe.Add(ref wxs0, x * 4);
            int x0 = Unsafe.Add(ref xs, 0) * 3, x1 = Unsafe.Add(ref xs, 1) * 3, x2 = Unsafe.Add(ref xs, 2) * 3, x3 = Unsafe.Add(ref xs, 3) * 3;
            double wx0 = Unsafe.Add(ref wx, 0), wx1 = Unsafe.Add(ref wx, 1), wx2 = Unsafe.Add(ref wx, 2), wx3 = Unsafe.Add(ref wx, 3);
            Vector256<double> t = Vector256<double>.Zero;
            t = AddRow(t, ref c, r0, wy0, x0, x1, x2, x3, wx0, wx1, wx2, wx3, wc0, wc1, wc2, wc3);
            t = AddRow(t, ref c, r1, wy1, x0, x1, x2, x3, wx0, wx1, wx2, wx3, wc0, wc1, wc2, wc3);
            t = AddRow(t, ref c, r2, wy2, x0, x1, x2, x3, wx0, wx1, wx2, wx3, wc0, wc1, wc2, wc3);
            t = AddRow(t, ref c, r3, wy3, x0, x1, x2, x3, wx0, wx1, wx2, wx3, wc0, wc1, wc2, wc3);
            t = Vector256.Min(Vector256.Max(t, min), max);
            row[x * 3] = t.GetElement(0);
            row[(x * 3) + 1] = t.GetElement(1);
            row[(x * 3) + 2] = t.GetElement(2);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> AddRow(Vector256<double> t, ref double c, int rowOffset, double wy, int x0, int x1, int x2, int x3, double wx0, double wx1, double wx2, double wx3, double wc0, double wc1, double wc2, double wc3)
    {
        t = AddTap(t, Vector256.LoadUnsafe(ref c, (nuint)(rowOffset + x0)) * wy * wx0, wc0, wc1, wc2, wc3);
        t = AddTap(t, Vector256.LoadUnsafe(ref c, (nuint)(rowOffset + x1)) * wy * wx1, wc0, wc1, wc2, wc3);
        t = AddTap(t, Vector256.LoadUnsafe(ref c, (nuint)(rowOffset + x2)) * wy * wx2, wc0, wc1, wc2, wc3);
        t = AddTap(t, Vector256.LoadUnsafe(ref c, (nuint)(rowOffset + x3)) * wy * wx3, wc0, wc1, wc2, wc3);
        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> AddTap(Vector256<double> t, Vector256<double> q, double wc0, double wc1, double wc2, double wc3)
    {
        // Mirrored channel taps of output channels 0, 1, 2: (1,0,1,2), (0,1,2,1), (1,2,1,0).
        t += Vector256.Shuffle(q, Vector256.Create(1L, 0, 1, 3)) * wc0;
        t += q * wc1;
        t += Vector256.Shuffle(q, Vector256.Create(1L, 2, 1, 3)) * wc2;
        t += Vector256.Shuffle(q, Vector256.Create(2L, 1, 0, 3)) * wc3;
        return t;
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
