using System.Collections.Concurrent;

namespace SkinSam.Sdk.Preprocessing;

/// <summary>
/// Fixed-point filter taps for one axis of a Pillow-compatible bilinear resample from <c>inSize</c> to
/// <c>outSize</c> samples: for output sample <c>i</c>, <see cref="Count"/>[i] taps starting at input
/// <see cref="First"/>[i], with weights <see cref="Weights"/>[i * <see cref="Stride"/> + k] scaled by
/// 2^<see cref="PrecisionBits"/>.
/// </summary>
/// <remarks>
/// The numbers follow Pillow's <c>precompute_coeffs</c> and <c>normalize_coeffs_8bpc</c> (Resample.c):
/// a triangle filter of support 1 widened by the scale factor when shrinking, sample centres at
/// <c>(i + 0.5) * scale</c>, taps from <c>(int)(centre - support + 0.5)</c> to
/// <c>(int)(centre + support + 0.5)</c> clipped to the input, weights normalised to sum 1 in double
/// precision, then rounded half away from zero to 22 fractional bits.
/// </remarks>
internal sealed class ResampleCoefficients
{
    /// <summary>The smallest <see cref="Stride"/> that gets <see cref="GroupWeights"/>: downscales by more than 1.</summary>
    public const int MinGroupedStride = 5;

    /// <summary>Bits of a weight's low half in <see cref="GroupWeights"/>.</summary>
    public const int LowBits = 11;

    /// <summary>Fractional bits of the fixed-point weights (Pillow: 32 - 8 - 2).</summary>
    public const int PrecisionBits = 22;

    /// <summary>The rounding constant added before the final shift.</summary>
    public const int Half = 1 << (PrecisionBits - 1);

    private const int MaxCachedTables = 64;

    private static readonly ConcurrentDictionary<(int In, int Out), ResampleCoefficients> Cache = new();

    private ResampleCoefficients(int inSize, int outSize, int stride, int[] first, int[] count, int[] weights)
    {
        InSize = inSize;
        OutSize = outSize;
        Stride = stride;
        First = first;
        Count = count;
        Weights = weights;

        // Outputs whose taps stay clear of the last input sample, so a 4-byte load per RGB tap stays inside
        // the row, and which have a following output to absorb a 4-byte store. first + count never decreases.
        int safe = 0;
        while (safe < outSize - 1 && first[safe] + count[safe] < inSize)
        {
            safe++;
        }

        WideAccessOutputs = safe;

        // Outputs that may read all Stride taps (the ones past Count weigh zero) with a 4-byte load each:
        // the last tap pixel, first + Stride - 1, is at most inSize - 2.
        int full = 0;
        while (full < safe && first[full] + stride + 1 <= inSize)
        {
            full++;
        }

        FullStrideOutputs = full;

        if (stride >= MinGroupedStride)
        {
            GroupWeights = BuildGroupWeights(outSize, stride, weights);
            int groups = Groups;
            int grouped = 0;
            while (grouped < safe && ((first[grouped] + (4 * (groups - 1))) * 3) + 16 <= inSize * 3)
            {
                grouped++;
            }

            GroupedOutputs = grouped;
        }

        // Weights of output pairs side by side for the two-pixel vector pass: per pair and tap, the first
        // output's weight 4 times, then the second's (zero past an output's own tap count).
        PairWeights = new int[(outSize / 2) * stride * 8];
        for (int pair = 0; pair < outSize / 2; pair++)
        {
            for (int t = 0; t < stride; t++)
            {
                for (int lane = 0; lane < 4; lane++)
                {
                    PairWeights[(((pair * stride) + t) * 8) + lane] = weights[(2 * pair * stride) + t];
                    PairWeights[(((pair * stride) + t) * 8) + 4 + lane] = weights[(((2 * pair) + 1) * stride) + t];
                }
            }
        }
    }

    /// <summary>Tap groups of four per output in <see cref="GroupWeights"/>: <c>ceil(Stride / 4)</c>.</summary>
    public int Groups => (Stride + 3) / 4;

    /// <summary>
    /// How many leading output samples (at most <see cref="WideAccessOutputs"/>) may read <see cref="Groups"/>
    /// 16-byte loads of RGB, one per group of four taps, inside the row; 0 without <see cref="GroupWeights"/>.
    /// </summary>
    public int GroupedOutputs { get; }

    /// <summary>
    /// For wide filters (<see cref="Stride"/> of at least <see cref="MinGroupedStride"/>), the weights split into 16-bit
    /// halves for the multiply-add-adjacent passes: weight <c>w = hi * 2^11 + lo</c>, so that
    /// <c>sum(p * w) = 2^11 * sum(p * hi) + sum(p * lo)</c> exactly in 32-bit integers. Per quad of outputs (4q to 4q + 3)
    /// and group of four taps, four vectors of 32 shorts: hi of taps 0 and 1, lo of taps 0 and 1, hi of taps 2 and 3, lo of
    /// taps 2 and 3; in each, 8 shorts per output: its two weights three times (red, green, blue), then two zeros. A pair
    /// of outputs (2p, 2p + 1) finds its 16 shorts of each vector at offset 16 * (p % 2) within its quad's vector.
    /// Null for narrower filters.
    /// </summary>
    public short[]? GroupWeights { get; }

    /// <summary>Input samples.</summary>
    public int InSize { get; }

    /// <summary>Output samples.</summary>
    public int OutSize { get; }

    /// <summary>Weights reserved per output sample (Pillow's <c>ksize</c>).</summary>
    public int Stride { get; }

    /// <summary>First input sample used by each output sample.</summary>
    public int[] First { get; }

    /// <summary>Number of input samples used by each output sample.</summary>
    public int[] Count { get; }

    /// <summary>
    /// How many leading output samples may read 4 bytes per RGB tap and write 4 bytes per RGB pixel without
    /// leaving the row: their taps end before the last input sample and another output follows them.
    /// </summary>
    public int WideAccessOutputs { get; }

    /// <summary>
    /// How many leading output samples (at most <see cref="WideAccessOutputs"/>) may read all
    /// <see cref="Stride"/> taps, zero-weighted past their <see cref="Count"/>, with a 4-byte load per RGB tap
    /// inside the row: a fixed-length, unrolled tap loop.
    /// </summary>
    public int FullStrideOutputs { get; }

    /// <summary>Per output pair and tap, 8 lanes: the first output's weight 4 times, then the second's.</summary>
    public int[] PairWeights { get; }

    /// <summary>Fixed-point weights, <see cref="Stride"/> per output sample.</summary>
    public int[] Weights { get; }

    /// <summary>The cached table for a resample from <paramref name="inSize"/> to <paramref name="outSize"/> samples.</summary>
    /// <param name="inSize">Input samples, at least 1.</param>
    /// <param name="outSize">Output samples, at least 1.</param>
    /// <returns>The table, computed on first use.</returns>
    public static ResampleCoefficients Get(int inSize, int outSize)
    {
        if (Cache.TryGetValue((inSize, outSize), out ResampleCoefficients? table))
        {
            return table;
        }

        table = Compute(inSize, outSize);
        if (Cache.Count >= MaxCachedTables)
        {
            // A bound, not an LRU: callers with many distinct sizes recompute, which is cheap next to a resize.
            Cache.Clear();
        }

        Cache.TryAdd((inSize, outSize), table);
        return table;
    }

    /// <summary>Computes the table without caching it.</summary>
    /// <param name="inSize">Input samples, at least 1.</param>
    /// <param name="outSize">Output samples, at least 1.</param>
    /// <returns>A new table.</returns>
    public static ResampleCoefficients Compute(int inSize, int outSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outSize, 1);

        // Pillow passes the box edges as float; integral sizes are exact in float, so double arithmetic matches.
        double scale = (double)inSize / outSize;
        double filterScale = scale < 1.0 ? 1.0 : scale;
        double support = 1.0 * filterScale;
        int stride = ((int)Math.Ceiling(support) * 2) + 1;

        var first = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize * stride];
        Span<double> k = stride <= 256 ? stackalloc double[stride] : new double[stride];
        double ss = 1.0 / filterScale;
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0)
            {
                xmin = 0;
            }

            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize)
            {
                xmax = inSize;
            }

            xmax -= xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++)
            {
                double w = Triangle((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }

            for (int x = 0; x < xmax; x++)
            {
                double normalised = ww != 0.0 ? k[x] / ww : k[x];
                weights[(xx * stride) + x] = normalised < 0
                    ? (int)(-0.5 + (normalised * (1 << PrecisionBits)))
                    : (int)(0.5 + (normalised * (1 << PrecisionBits)));
            }

            first[xx] = xmin;
            count[xx] = xmax;
        }

        return new ResampleCoefficients(inSize, outSize, stride, first, count, weights);
    }

    private static short[] BuildGroupWeights(int outSize, int stride, int[] weights)
    {
        int groups = (stride + 3) / 4;
        int quads = ((outSize / 2) + 1) / 2;
        var table = new short[quads * groups * 128];
        for (int output = 0; output < (outSize / 2) * 2; output++)
        {
            int quad = output / 4;
            int lane = output % 4;
            for (int g = 0; g < groups; g++)
            {
                for (int t = 0; t < 4; t++)
                {
                    int tap = (4 * g) + t;
                    int w = tap < stride ? weights[(output * stride) + tap] : 0;
                    short hi = checked((short)(w >> LowBits));
                    short lo = (short)(w & ((1 << LowBits) - 1));

                    // Vectors of 32 shorts: 0 hi and 1 lo of taps 0 and 1, 2 hi and 3 lo of taps 2 and 3; 8 shorts per output.
                    int hiVector = ((((quad * groups) + g) * 4) + ((t / 2) * 2)) * 32;
                    for (int channel = 0; channel < 3; channel++)
                    {
                        int slot = (lane * 8) + (channel * 2) + (t % 2);
                        table[hiVector + slot] = hi;
                        table[hiVector + 32 + slot] = lo;
                    }
                }
            }
        }

        return table;
    }

    private static double Triangle(double x)
    {
        if (x < 0.0)
        {
            x = -x;
        }

        return x < 1.0 ? 1.0 - x : 0.0;
    }
}
