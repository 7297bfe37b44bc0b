// Over 400 lines on purpose: one bit-exact port of Pillow's resampling (coefficients, horizontal and vertical
// passes, their vector paths); splitting the passes would separate code that must change together.
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SkinSam.Sdk.Preprocessing;

/// <summary>
/// Resizes 8-bit images exactly as Pillow's <c>Image.resize((w, h), Image.BILINEAR)</c> does, bit for bit.
/// </summary>
/// <remarks>
/// <para>
/// Pillow resamples separably with a triangle filter whose support widens by the scale factor when shrinking
/// (so downscaling averages, i.e. antialiases), using 22-bit fixed-point weights. It runs the horizontal pass
/// first, over only the source rows the vertical pass will read, rounds and clamps it to 8 bits, then runs
/// the vertical pass, rounded and clamped again. A pass whose dimension does not change is skipped. This
/// class reproduces those steps; its tests compare every byte against Debian's python3-pil.
/// </para>
/// <para>
/// Images are tightly packed, interleaved, 1 to 4 channels (RGB24 is 3). Channels are resampled
/// independently (Pillow premultiplies alpha only for RGBA and LA, which callers of this class do not pass).
/// Weight tables are cached per size pair; intermediate rows come from <see cref="ArrayPool{T}"/>, so a
/// steady-state call allocates nothing. Safe to call from many threads at once.
/// </para>
/// </remarks>
public static class PilBilinearResize
{
    /// <summary>
    /// Per 128-bit lane, the 16-bit red, green and blue pairs of taps 0 and 1 of a 16-byte RGB load (zero-extended bytes
    /// 0, 3, 1, 4, 2, 5; the last pair zero); <see cref="GroupTaps23"/> the same for taps 2 and 3.
    /// </summary>
    private static readonly Vector128<byte> GroupTaps01 = Vector128.Create((byte)0, 0x80, 3, 0x80, 1, 0x80, 4, 0x80, 2, 0x80, 5, 0x80, 0x80, 0x80, 0x80, 0x80);

    private static readonly Vector128<byte> GroupTaps23 = Vector128.Create((byte)6, 0x80, 9, 0x80, 7, 0x80, 10, 0x80, 8, 0x80, 11, 0x80, 0x80, 0x80, 0x80, 0x80);

    /// <summary>Horizontally resampled rows kept in the sliding window (at least twice the vertical taps).</summary>
    private const int WindowRows = 32;

    /// <summary>Resizes a tightly packed RGB24 image.</summary>
    /// <param name="source">Exactly or at least <c>sourceWidth * sourceHeight * 3</c> bytes, red-green-blue.</param>
    /// <param name="sourceWidth">Source width in pixels, at least 1.</param>
    /// <param name="sourceHeight">Source height in pixels, at least 1.</param>
    /// <param name="destination">At least <c>destinationWidth * destinationHeight * 3</c> bytes.</param>
    /// <param name="destinationWidth">Destination width in pixels, at least 1.</param>
    /// <param name="destinationHeight">Destination height in pixels, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">A buffer is shorter than its image.</exception>
    public static void ResizeRgb24(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, Span<byte> destination, int destinationWidth, int destinationHeight)
        => Resize(source, sourceWidth, sourceHeight, destination, destinationWidth, destinationHeight, 3);

    /// <summary>Resizes a tightly packed image of <paramref name="channels"/> interleaved 8-bit channels.</summary>
    /// <param name="source">At least <c>sourceWidth * sourceHeight * channels</c> bytes.</param>
    /// <param name="sourceWidth">Source width in pixels, at least 1.</param>
    /// <param name="sourceHeight">Source height in pixels, at least 1.</param>
    /// <param name="destination">At least <c>destinationWidth * destinationHeight * channels</c> bytes.</param>
    /// <param name="destinationWidth">Destination width in pixels, at least 1.</param>
    /// <param name="destinationHeight">Destination height in pixels, at least 1.</param>
    /// <param name="channels">Bytes per pixel, 1 to 4 (1 for grey, 3 for RGB24).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or <paramref name="channels"/> is outside 1..4.</exception>
    /// <exception cref="ArgumentException">A buffer is shorter than its image.</exception>
    public static void Resize(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, Span<byte> destination, int destinationWidth, int destinationHeight, int channels)
    {
        if (channels is < 1 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, $"Expected 1 to 4 channels; got {channels}.");
        }

        ThrowIfBadSize(sourceWidth, nameof(sourceWidth));
        ThrowIfBadSize(sourceHeight, nameof(sourceHeight));
        ThrowIfBadSize(destinationWidth, nameof(destinationWidth));
        ThrowIfBadSize(destinationHeight, nameof(destinationHeight));

        long sourceBytes = (long)sourceWidth * sourceHeight * channels;
        if (source.Length < sourceBytes)
        {
            throw new ArgumentException($"Expected a source of at least {sourceBytes} bytes ({sourceWidth}x{sourceHeight}, {channels} channels); got {source.Length}.", nameof(source));
        }

        long destinationBytes = (long)destinationWidth * destinationHeight * channels;
        if (destination.Length < destinationBytes)
        {
            throw new ArgumentException($"Expected a destination of at least {destinationBytes} bytes ({destinationWidth}x{destinationHeight}, {channels} channels); got {destination.Length}.", nameof(destination));
        }

        var sink = new DestinationRows(destination, destinationWidth * channels);
        ResizeRows(source, sourceWidth, sourceHeight, destinationWidth, destinationHeight, channels, ref sink);
    }

    /// <summary>
    /// The resize, handing each output row to <paramref name="sink"/> as soon as it is complete, so a caller
    /// can consume rows while they are in cache. Arguments must already be valid.
    /// </summary>
    internal static void ResizeRows<TSink>(scoped ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, int destinationWidth, int destinationHeight, int channels, ref TSink sink)
        where TSink : IResizedRowSink, allows ref struct
    {
        int inRowBytes = sourceWidth * channels;
        int rowBytes = destinationWidth * channels;
        bool needHorizontal = destinationWidth != sourceWidth;
        bool needVertical = destinationHeight != sourceHeight;
        if (!needHorizontal && !needVertical)
        {
            for (int y = 0; y < destinationHeight; y++)
            {
                source.Slice(y * inRowBytes, inRowBytes).CopyTo(sink.GetRow(y));
                sink.RowDone(y);
            }

            return;
        }

        if (!needHorizontal)
        {
            ResampleCoefficients table = ResampleCoefficients.Get(sourceHeight, destinationHeight);
            for (int yy = 0; yy < destinationHeight; yy++)
            {
                VerticalOutputRow(source, rowBytes, 0, table, yy, sink.GetRow(yy));
                sink.RowDone(yy);
            }

            return;
        }

        ResampleCoefficients horizontal = ResampleCoefficients.Get(sourceWidth, destinationWidth);
        if (!needVertical)
        {
            for (int y = 0; y < destinationHeight; y++)
            {
                ResizeHorizontal(source, sourceWidth, y, 1, sink.GetRow(y), horizontal, channels);
                sink.RowDone(y);
            }

            return;
        }

        ResampleCoefficients vertical = ResampleCoefficients.Get(sourceHeight, destinationHeight);

        // Like Pillow, resample horizontally only the source rows the vertical pass reads; unlike Pillow, not all of
        // them up front: a window of horizontally resampled rows slides down the image, filled just before the
        // vertical pass needs each row, so the intermediate rows stay in cache however tall the source is.
        int firstRow = vertical.First[0];
        int lastRow = vertical.First[destinationHeight - 1] + vertical.Count[destinationHeight - 1];
        int windowRows = Math.Min(lastRow - firstRow, Math.Max(WindowRows, 2 * vertical.Stride));
        int windowBytes = checked(rowBytes * windowRows);
        byte[] window = ArrayPool<byte>.Shared.Rent(windowBytes);
        try
        {
            Span<byte> windowSpan = window.AsSpan(0, windowBytes);
            int windowStart = firstRow; // source row held in the window's first row
            int filled = firstRow;      // one past the last source row resampled into the window
            for (int yy = 0; yy < destinationHeight; yy++)
            {
                int need = vertical.First[yy] + vertical.Count[yy];
                if (need - windowStart > windowRows)
                {
                    // Slide: keep the rows from this output's first tap on, at the window's start.
                    int keep = vertical.First[yy];
                    int kept = filled - keep;
                    if (kept > 0)
                    {
                        windowSpan.Slice((keep - windowStart) * rowBytes, kept * rowBytes).CopyTo(windowSpan);
                    }

                    windowStart = keep;
                    filled = Math.Max(filled, keep);
                }

                if (need > filled)
                {
                    int rows = Math.Min(lastRow, windowStart + windowRows) - filled;
                    ResizeHorizontal(source, sourceWidth, filled, rows, windowSpan.Slice((filled - windowStart) * rowBytes, rows * rowBytes), horizontal, channels);
                    filled += rows;
                }

                VerticalOutputRow(windowSpan, rowBytes, windowStart, vertical, yy, sink.GetRow(yy));
                sink.RowDone(yy);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(window);
        }
    }

    private static void ThrowIfBadSize(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Expected a size of at least 1 pixel; got {value}.");
        }
    }

    /// <summary>Horizontal pass over <paramref name="rows"/> source rows starting at <paramref name="firstRow"/>.</summary>
    private static void ResizeHorizontal(ReadOnlySpan<byte> source, int sourceWidth, int firstRow, int rows, Span<byte> destination, ResampleCoefficients table, int channels)
    {
        int inRowBytes = sourceWidth * channels;
        int outWidth = table.OutSize;
        int outRowBytes = outWidth * channels;
        ReadOnlySpan<int> first = table.First;
        ReadOnlySpan<int> count = table.Count;
        ReadOnlySpan<int> weights = table.Weights;
        int stride = table.Stride;
        for (int y = 0; y < rows; y++)
        {
            ReadOnlySpan<byte> inRow = source.Slice((firstRow + y) * inRowBytes, inRowBytes);
            Span<byte> outRow = destination.Slice(y * outRowBytes, outRowBytes);
            if (channels == 3)
            {
                int done = Avx2.IsSupported ? HorizontalRowRgbAvx2(inRow, outRow, table)
                    : Vector128.IsHardwareAccelerated ? HorizontalRowRgbVector128(inRow, outRow, table) : 0;
                HorizontalRowRgb(inRow, outRow, first, count, weights, stride, done);
                continue;
            }

            for (int xx = 0; xx < outWidth; xx++)
            {
                ReadOnlySpan<int> k = weights.Slice(xx * stride, count[xx]);
                int start = first[xx] * channels;
                for (int c = 0; c < channels; c++)
                {
                    int ss = ResampleCoefficients.Half;
                    for (int x = 0; x < k.Length; x++)
                    {
                        ss += inRow[start + (x * channels) + c] * k[x];
                    }

                    outRow[(xx * channels) + c] = Clip8(ss);
                }
            }
        }
    }

    /// <summary>
    /// The RGB horizontal pass with one pixel's three channels in one vector: a 4-byte load per tap, widened
    /// to 32-bit lanes, and a 4-byte store whose fourth byte the next pixel overwrites. Covers the leading
    /// <see cref="ResampleCoefficients.WideAccessOutputs"/> outputs and returns that count.
    /// </summary>
    private static int HorizontalRowRgbVector128(ReadOnlySpan<byte> inRow, Span<byte> outRow, ResampleCoefficients table)
    {
        int end = table.WideAccessOutputs;
        if (inRow.Length < table.InSize * 3 || outRow.Length < table.OutSize * 3)
        {
            throw new ArgumentException($"Expected rows of {table.InSize * 3} and {table.OutSize * 3} bytes; got {inRow.Length} and {outRow.Length}.", nameof(inRow));
        }

        ref byte src = ref MemoryMarshal.GetReference(inRow);
        ref byte dst = ref MemoryMarshal.GetReference(outRow);
        ref int weights = ref MemoryMarshal.GetArrayDataReference(table.Weights);
        ref int first = ref MemoryMarshal.GetArrayDataReference(table.First);
        ref int count = ref MemoryMarshal.GetArrayDataReference(table.Count);
        int stride = table.Stride;
        Vector128<int> half = Vector128.Create(ResampleCoefficients.Half);
        Vector128<int> max = Vector128.Create(255);
        for (int xx = 0; xx < end; xx++)
        {
            int n = Unsafe.Add(ref count, xx);
            ref byte p = ref Unsafe.Add(ref src, Unsafe.Add(ref first, xx) * 3);
            ref int k = ref Unsafe.Add(ref weights, xx * stride);
            Vector128<int> acc = half;
            for (int x = 0; x < n; x++)
            {
                Vector128<byte> bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, 3 * x))).AsByte();
                Vector128<int> v = Vector128.WidenLower(Vector128.WidenLower(bytes)).AsInt32();
                acc += v * Vector128.Create(Unsafe.Add(ref k, x));
            }

            acc = Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(acc, ResampleCoefficients.PrecisionBits), Vector128<int>.Zero), max);
            Vector128<ushort> narrow = Vector128.Narrow(acc.AsUInt32(), acc.AsUInt32());
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, xx * 3), Vector128.Narrow(narrow, narrow).AsUInt32().ToScalar());
        }

        return end;
    }

    /// <summary>
    /// The RGB horizontal pass two output pixels at a time: per tap, 4 bytes of each pixel's source widened
    /// to 8 32-bit lanes and multiplied by <see cref="ResampleCoefficients.PairWeights"/>. A pair runs the
    /// larger of its two tap counts; the extra weight is zero and its load stays inside the row because both
    /// outputs lie within <see cref="ResampleCoefficients.WideAccessOutputs"/>. Returns the outputs done.
    /// </summary>
    private static int HorizontalRowRgbAvx2(ReadOnlySpan<byte> inRow, Span<byte> outRow, ResampleCoefficients table)
    {
        // Pairs must end one pixel early: the 8-byte store writes 2 bytes past the pair.
        int pairs = Math.Min(table.WideAccessOutputs, table.OutSize - 1) / 2;
        if (inRow.Length < table.InSize * 3 || outRow.Length < table.OutSize * 3)
        {
            throw new ArgumentException($"Expected rows of {table.InSize * 3} and {table.OutSize * 3} bytes; got {inRow.Length} and {outRow.Length}.", nameof(inRow));
        }

        ref byte src = ref MemoryMarshal.GetReference(inRow);
        ref byte dst = ref MemoryMarshal.GetReference(outRow);
        ref int weights = ref MemoryMarshal.GetArrayDataReference(table.PairWeights);
        ref int first = ref MemoryMarshal.GetArrayDataReference(table.First);
        ref int count = ref MemoryMarshal.GetArrayDataReference(table.Count);
        int stride = table.Stride;
        Vector256<int> half = Vector256.Create(ResampleCoefficients.Half);
        Vector256<int> max = Vector256.Create(255);
        Vector128<byte> pack = Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0x80, 0x80, 0x80, 0x80);
        int pair = 0;
        if (stride == 3)
        {
            // Upscaling (and mild downscaling) has 3 taps per output: unrolled, without per-pair tap counts, over
            // the pairs whose third tap is still a full 4-byte load inside the row (its weight is zero where an
            // output has only 2 taps).
            int fullPairs = Math.Min(pairs, table.FullStrideOutputs / 2);
            for (; pair < fullPairs; pair++)
            {
                int a = 2 * pair;
                ref byte pa = ref Unsafe.Add(ref src, Unsafe.Add(ref first, a) * 3);
                ref byte pb = ref Unsafe.Add(ref src, Unsafe.Add(ref first, a + 1) * 3);
                ref int k = ref Unsafe.Add(ref weights, pair * 24);
                // Written out rather than through a helper: the JIT does not always inline one returning a vector.
                Vector128<uint> t0 = Sse41.Insert(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref pa)), Unsafe.ReadUnaligned<uint>(ref pb), 1);
                Vector128<uint> t1 = Sse41.Insert(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref pa, 3))), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref pb, 3)), 1);
                Vector128<uint> t2 = Sse41.Insert(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref pa, 6))), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref pb, 6)), 1);
                Vector256<int> acc = half
                    + (Avx2.ConvertToVector256Int32(t0.AsByte()) * Vector256.LoadUnsafe(ref k))
                    + (Avx2.ConvertToVector256Int32(t1.AsByte()) * Vector256.LoadUnsafe(ref k, 8))
                    + (Avx2.ConvertToVector256Int32(t2.AsByte()) * Vector256.LoadUnsafe(ref k, 16));
                acc = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(acc, ResampleCoefficients.PrecisionBits), Vector256<int>.Zero), max);
                Vector128<short> words = Sse2.PackSignedSaturate(acc.GetLower(), acc.GetUpper());
                Vector128<byte> bytes = Ssse3.Shuffle(Sse2.PackUnsignedSaturate(words, words), pack);
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, a * 3), bytes.AsUInt64().ToScalar());
            }
        }

        else if (table.GroupWeights is short[] groupWeights)
        {
            int groupedPairs = Math.Min(pairs, table.GroupedOutputs / 2);
            int quads = Avx512BW.IsSupported ? HorizontalQuadsRgbGrouped(ref src, ref dst, table, groupWeights, groupedPairs / 2) : 0;
            pair = HorizontalPairsRgbGrouped(ref src, ref dst, table, groupWeights, 2 * quads, groupedPairs);
        }

        for (; pair < pairs; pair++)
        {
            int a = 2 * pair;
            int n = Math.Max(Unsafe.Add(ref count, a), Unsafe.Add(ref count, a + 1));
            ref byte pa = ref Unsafe.Add(ref src, Unsafe.Add(ref first, a) * 3);
            ref byte pb = ref Unsafe.Add(ref src, Unsafe.Add(ref first, a + 1) * 3);
            ref int k = ref Unsafe.Add(ref weights, pair * stride * 8);
            Vector256<int> acc = half;
            for (int x = 0; x < n; x++)
            {
                ulong both = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref pa, 3 * x)) | ((ulong)Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref pb, 3 * x)) << 32);
                Vector256<int> v = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(both).AsByte());
                acc += v * Vector256.LoadUnsafe(ref k, (nuint)(x * 8));
            }

            acc = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(acc, ResampleCoefficients.PrecisionBits), Vector256<int>.Zero), max);

            // 8 lanes (RGBX RGBX) to bytes, then drop the X bytes: 6 bytes of output, stored as 8.
            Vector128<short> words = Sse2.PackSignedSaturate(acc.GetLower(), acc.GetUpper());
            Vector128<byte> bytes = Ssse3.Shuffle(Sse2.PackUnsignedSaturate(words, words), pack);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, a * 3), bytes.AsUInt64().ToScalar());
        }

        return 2 * pairs;
    }

    /// <summary>
    /// The RGB horizontal pass for wide (downscaling) filters, two output pixels per step and four taps per load:
    /// each output's 16 source bytes in one 128-bit lane, shuffled into 16-bit red, green and blue pairs of adjacent
    /// taps and multiplied-and-added against the two 16-bit halves of the weights
    /// (<see cref="ResampleCoefficients.GroupWeights"/>); <c>2^11 * hi + lo</c> is exactly Pillow's 32-bit sum.
    /// Runs pairs <paramref name="start"/> to <paramref name="end"/> and returns <paramref name="end"/>.
    /// </summary>
    private static int HorizontalPairsRgbGrouped(ref byte src, ref byte dst, ResampleCoefficients table, short[] groupWeights, int start, int end)
    {
        ref int first = ref MemoryMarshal.GetArrayDataReference(table.First);
        ref short weights = ref MemoryMarshal.GetArrayDataReference(groupWeights);
        int groups = table.Groups;
        Vector256<int> half = Vector256.Create(ResampleCoefficients.Half);
        Vector256<int> max = Vector256.Create(255);
        Vector256<byte> taps01 = Vector256.Create(GroupTaps01);
        Vector256<byte> taps23 = Vector256.Create(GroupTaps23);
        Vector128<byte> pack = Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0x80, 0x80, 0x80, 0x80);
        for (int pair = start; pair < end; pair++)
        {
            int a = 2 * pair;
            ref byte pa = ref Unsafe.Add(ref src, Unsafe.Add(ref first, a) * 3);
            ref byte pb = ref Unsafe.Add(ref src, Unsafe.Add(ref first, a + 1) * 3);
            ref short k = ref Unsafe.Add(ref weights, ((pair / 2) * groups * 128) + ((pair % 2) * 16));
            Vector256<int> hi = Vector256<int>.Zero;
            Vector256<int> lo = Vector256<int>.Zero;
            for (int g = 0; g < groups; g++)
            {
                Vector256<byte> pixels = Vector256.Create(Vector128.LoadUnsafe(ref pa, (nuint)(12 * g)), Vector128.LoadUnsafe(ref pb, (nuint)(12 * g)));
                Vector256<short> p01 = Avx2.Shuffle(pixels, taps01).AsInt16();
                Vector256<short> p23 = Avx2.Shuffle(pixels, taps23).AsInt16();
                hi += Avx2.MultiplyAddAdjacent(p01, Vector256.LoadUnsafe(ref k)) + Avx2.MultiplyAddAdjacent(p23, Vector256.LoadUnsafe(ref k, 64));
                lo += Avx2.MultiplyAddAdjacent(p01, Vector256.LoadUnsafe(ref k, 32)) + Avx2.MultiplyAddAdjacent(p23, Vector256.LoadUnsafe(ref k, 96));
                k = ref Unsafe.Add(ref k, 128);
            }

            Vector256<int> acc = Vector256.ShiftLeft(hi, ResampleCoefficients.LowBits) + lo + half;
            acc = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(acc, ResampleCoefficients.PrecisionBits), Vector256<int>.Zero), max);
            Vector128<short> words = Sse2.PackSignedSaturate(acc.GetLower(), acc.GetUpper());
            Vector128<byte> bytes = Ssse3.Shuffle(Sse2.PackUnsignedSaturate(words, words), pack);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, a * 3), bytes.AsUInt64().ToScalar());
        }

        return end;
    }

    /// <summary>
    /// <see cref="HorizontalPairsRgbGrouped"/> four output pixels per step in 512-bit vectors (AVX-512BW): half the
    /// instructions per output. Each step writes exactly its 12 bytes. Returns the quads done, <paramref name="quads"/>.
    /// </summary>
    private static int HorizontalQuadsRgbGrouped(ref byte src, ref byte dst, ResampleCoefficients table, short[] groupWeights, int quads)
    {
        ref int first = ref MemoryMarshal.GetArrayDataReference(table.First);
        ref short weights = ref MemoryMarshal.GetArrayDataReference(groupWeights);
        int groups = table.Groups;
        Vector512<int> half = Vector512.Create(ResampleCoefficients.Half);
        Vector512<int> max = Vector512.Create(255);
        Vector512<byte> taps01 = Vector512.Create(GroupTaps01);
        Vector512<byte> taps23 = Vector512.Create(GroupTaps23);
        Vector128<byte> pack = Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0x80, 0x80, 0x80, 0x80);
        for (int quad = 0; quad < quads; quad++)
        {
            int a = 4 * quad;
            ref byte p0 = ref Unsafe.Add(ref src, Unsafe.Add(ref first, a) * 3);
            ref byte p1 = ref Unsafe.Add(ref src, Unsafe.Add(ref first, a + 1) * 3);
            ref byte p2 = ref Unsafe.Add(ref src, Unsafe.Add(ref first, a + 2) * 3);
            ref byte p3 = ref Unsafe.Add(ref src, Unsafe.Add(ref first, a + 3) * 3);
            ref short k = ref Unsafe.Add(ref weights, quad * groups * 128);
            Vector512<int> hi = Vector512<int>.Zero;
            Vector512<int> lo = Vector512<int>.Zero;
            for (int g = 0; g < groups; g++)
            {
                nuint o = (nuint)(12 * g);
                Vector512<byte> pixels = Vector512.Create(
                    Vector256.Create(Vector128.LoadUnsafe(ref p0, o), Vector128.LoadUnsafe(ref p1, o)),
                    Vector256.Create(Vector128.LoadUnsafe(ref p2, o), Vector128.LoadUnsafe(ref p3, o)));
                Vector512<short> q01 = Avx512BW.Shuffle(pixels, taps01).AsInt16();
                Vector512<short> q23 = Avx512BW.Shuffle(pixels, taps23).AsInt16();
                hi += Avx512BW.MultiplyAddAdjacent(q01, Vector512.LoadUnsafe(ref k)) + Avx512BW.MultiplyAddAdjacent(q23, Vector512.LoadUnsafe(ref k, 64));
                lo += Avx512BW.MultiplyAddAdjacent(q01, Vector512.LoadUnsafe(ref k, 32)) + Avx512BW.MultiplyAddAdjacent(q23, Vector512.LoadUnsafe(ref k, 96));
                k = ref Unsafe.Add(ref k, 128);
            }

            Vector512<int> acc = Vector512.ShiftLeft(hi, ResampleCoefficients.LowBits) + lo + half;
            acc = Vector512.Min(Vector512.Max(Vector512.ShiftRightArithmetic(acc, ResampleCoefficients.PrecisionBits), Vector512<int>.Zero), max);

            // 16 lanes (RGBX x 4), each 0..255, to 16 bytes, then drop the X bytes: exactly 12 bytes of output.
            Vector128<byte> bytes = Ssse3.Shuffle(Avx512F.ConvertToVector128Byte(acc), pack);
            ref byte o0 = ref Unsafe.Add(ref dst, a * 3);
            Unsafe.WriteUnaligned(ref o0, bytes.AsUInt64().ToScalar());
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref o0, 8), bytes.AsUInt32().GetElement(2));
        }

        return quads;
    }

    private static void HorizontalRowRgb(ReadOnlySpan<byte> inRow, Span<byte> outRow, ReadOnlySpan<int> first, ReadOnlySpan<int> count, ReadOnlySpan<int> weights, int stride, int start)
    {
        ref byte src = ref MemoryMarshal.GetReference(inRow);
        ref int w0 = ref MemoryMarshal.GetReference(weights);
        int outWidth = first.Length;
        for (int xx = start; xx < outWidth; xx++)
        {
            int n = count[xx];
            ref byte p = ref Unsafe.Add(ref src, first[xx] * 3);
            ref int k = ref Unsafe.Add(ref w0, xx * stride);
            int ss0 = ResampleCoefficients.Half;
            int ss1 = ResampleCoefficients.Half;
            int ss2 = ResampleCoefficients.Half;
            for (int x = 0; x < n; x++)
            {
                int w = Unsafe.Add(ref k, x);
                ss0 += Unsafe.Add(ref p, 0) * w;
                ss1 += Unsafe.Add(ref p, 1) * w;
                ss2 += Unsafe.Add(ref p, 2) * w;
                p = ref Unsafe.Add(ref p, 3);
            }

            int o = xx * 3;
            outRow[o] = Clip8(ss0);
            outRow[o + 1] = Clip8(ss1);
            outRow[o + 2] = Clip8(ss2);
        }
    }

    /// <summary>
    /// Output row <paramref name="yy"/> of the vertical pass. <paramref name="rowOffset"/> is the source row
    /// that <paramref name="source"/> starts at (the horizontal pass keeps only the rows this pass reads).
    /// </summary>
    private static void VerticalOutputRow(ReadOnlySpan<byte> source, int rowBytes, int rowOffset, ResampleCoefficients table, int yy, Span<byte> output)
    {
        int ymin = table.First[yy] - rowOffset;
        ReadOnlySpan<int> k = table.Weights.AsSpan(yy * table.Stride, table.Count[yy]);
        VerticalRow(source.Slice(ymin * rowBytes, k.Length * rowBytes), rowBytes, k, output);
    }

    /// <summary>
    /// One output row of the vertical pass: <c>out[i] = clip8(2^21 + sum_t rows[t][i] * k[t])</c> with
    /// <c>rows[t]</c> the <c>t</c>-th row of <paramref name="rows"/>. Exposed to tests, which sweep lengths
    /// against <see cref="VerticalRowScalar"/>.
    /// </summary>
    internal static void VerticalRow(ReadOnlySpan<byte> rows, int rowBytes, ReadOnlySpan<int> k, Span<byte> output)
    {
        if (rows.Length < k.Length * rowBytes || output.Length < rowBytes)
        {
            throw new ArgumentException($"Expected {k.Length} rows of {rowBytes} bytes in and {rowBytes} bytes out; got {rows.Length} in and {output.Length} out.", nameof(rows));
        }

        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            i = VerticalRowVector256(rows, rowBytes, k, output);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            i = VerticalRowVector128(rows, rowBytes, k, output);
        }

        VerticalRowScalar(rows, rowBytes, k, output, i);
    }

    /// <summary>The scalar definition of <see cref="VerticalRow"/>, from byte <paramref name="start"/> on.</summary>
    internal static void VerticalRowScalar(ReadOnlySpan<byte> rows, int rowBytes, ReadOnlySpan<int> k, Span<byte> output, int start = 0)
    {
        for (int i = start; i < rowBytes; i++)
        {
            int ss = ResampleCoefficients.Half;
            for (int t = 0; t < k.Length; t++)
            {
                ss += rows[(t * rowBytes) + i] * k[t];
            }

            output[i] = Clip8(ss);
        }
    }

    private static int VerticalRowVector256(ReadOnlySpan<byte> rows, int rowBytes, ReadOnlySpan<int> k, Span<byte> output)
    {
        ref byte src = ref MemoryMarshal.GetReference(rows);
        ref byte dst = ref MemoryMarshal.GetReference(output);
        Vector256<int> half = Vector256.Create(ResampleCoefficients.Half);
        Vector256<int> max = Vector256.Create(255);
        int i = 0;
        for (; i <= rowBytes - Vector256<byte>.Count; i += Vector256<byte>.Count)
        {
            Vector256<int> a0 = half, a1 = half, a2 = half, a3 = half;
            for (int t = 0; t < k.Length; t++)
            {
                Vector256<byte> v = Vector256.LoadUnsafe(ref src, (nuint)((t * rowBytes) + i));
                Vector256<int> w = Vector256.Create(k[t]);
                (Vector256<ushort> lo, Vector256<ushort> hi) = Vector256.Widen(v);
                (Vector256<uint> l0, Vector256<uint> l1) = Vector256.Widen(lo);
                (Vector256<uint> h0, Vector256<uint> h1) = Vector256.Widen(hi);
                a0 += l0.AsInt32() * w;
                a1 += l1.AsInt32() * w;
                a2 += h0.AsInt32() * w;
                a3 += h1.AsInt32() * w;
            }

            a0 = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(a0, ResampleCoefficients.PrecisionBits), Vector256<int>.Zero), max);
            a1 = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(a1, ResampleCoefficients.PrecisionBits), Vector256<int>.Zero), max);
            a2 = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(a2, ResampleCoefficients.PrecisionBits), Vector256<int>.Zero), max);
            a3 = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(a3, ResampleCoefficients.PrecisionBits), Vector256<int>.Zero), max);
            Vector256<ushort> lo16 = Vector256.Narrow(a0.AsUInt32(), a1.AsUInt32());
            Vector256<ushort> hi16 = Vector256.Narrow(a2.AsUInt32(), a3.AsUInt32());
            Vector256.Narrow(lo16, hi16).StoreUnsafe(ref dst, (nuint)i);
        }

        return i;
    }

    private static int VerticalRowVector128(ReadOnlySpan<byte> rows, int rowBytes, ReadOnlySpan<int> k, Span<byte> output)
    {
        ref byte src = ref MemoryMarshal.GetReference(rows);
        ref byte dst = ref MemoryMarshal.GetReference(output);
        Vector128<int> half = Vector128.Create(ResampleCoefficients.Half);
        Vector128<int> max = Vector128.Create(255);
        int i = 0;
        for (; i <= rowBytes - Vector128<byte>.Count; i += Vector128<byte>.Count)
        {
            Vector128<int> a0 = half, a1 = half, a2 = half, a3 = half;
            for (int t = 0; t < k.Length; t++)
            {
                Vector128<byte> v = Vector128.LoadUnsafe(ref src, (nuint)((t * rowBytes) + i));
                Vector128<int> w = Vector128.Create(k[t]);
                (Vector128<ushort> lo, Vector128<ushort> hi) = Vector128.Widen(v);
                (Vector128<uint> l0, Vector128<uint> l1) = Vector128.Widen(lo);
                (Vector128<uint> h0, Vector128<uint> h1) = Vector128.Widen(hi);
                a0 += l0.AsInt32() * w;
                a1 += l1.AsInt32() * w;
                a2 += h0.AsInt32() * w;
                a3 += h1.AsInt32() * w;
            }

            a0 = Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(a0, ResampleCoefficients.PrecisionBits), Vector128<int>.Zero), max);
            a1 = Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(a1, ResampleCoefficients.PrecisionBits), Vector128<int>.Zero), max);
            a2 = Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(a2, ResampleCoefficients.PrecisionBits), Vector128<int>.Zero), max);
            a3 = Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(a3, ResampleCoefficients.PrecisionBits), Vector128<int>.Zero), max);
            Vector128<ushort> lo16 = Vector128.Narrow(a0.AsUInt32(), a1.AsUInt32());
            Vector128<ushort> hi16 = Vector128.Narrow(a2.AsUInt32(), a3.AsUInt32());
            Vector128.Narrow(lo16, hi16).StoreUnsafe(ref dst, (nuint)i);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clip8(int ss)
    {
        int v = ss >> ResampleCoefficients.PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }

    /// <summary>Writes rows straight into the caller's destination.</summary>
    private ref struct DestinationRows(Span<byte> destination, int rowBytes) : IResizedRowSink
    {
        private readonly Span<byte> _destination = destination;

        public readonly Span<byte> GetRow(int y) => _destination.Slice(y * rowBytes, rowBytes);

        public readonly void RowDone(int y)
        {
        }
    }
}
