using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SkinSam.Sdk.Postprocessing;

/// <summary>
/// Applies a separable linear resampling given as taps per axis (two or four source indices and
/// weights per output position): horizontal first, then vertical, like PyTorch's bilinear kernel.
/// </summary>
/// <remarks>
/// The horizontal pass would need a gather per output value. Instead the source is transposed, so the
/// horizontal pass becomes weighted sums of whole contiguous rows (vectorised), and transposed back
/// before the vertical pass, which is again whole-row sums. The transposes move 8 x 8 blocks with AVX
/// shuffles where the CPU has AVX, single values otherwise.
/// Scratch memory comes from <see cref="ArrayPool{T}.Shared"/>; nothing is allocated per call once
/// the pool is warm.
/// </remarks>
internal static class SeparableResampler
{
    private const int TransposeBlock = 16;

    /// <summary>Output rows the streaming form computes per block handed to its sink.</summary>
    public const int StreamBlockRows = 32;

    /// <summary>Resamples <paramref name="source"/> (rows <paramref name="sourceStride"/> apart) into <paramref name="destination"/>.</summary>
    public static void Resample(
        ReadOnlySpan<float> source, int sourceWidth, int sourceHeight, int sourceStride,
        Span<float> destination, int destinationWidth, int destinationHeight,
        ReadOnlySpan<int> xIndex, ReadOnlySpan<float> xWeight, int xTaps, bool xIdentity,
        ReadOnlySpan<int> yIndex, ReadOnlySpan<float> yWeight, int yTaps, bool yIdentity)
    {
        (float[]? transposed, float[]? horizontal) = HorizontalPass(source, sourceWidth, sourceHeight, sourceStride, destinationWidth, xIndex, xWeight, xTaps, xIdentity);
        try
        {
            ReadOnlySpan<float> rows = xIdentity ? source : transposed.AsSpan(0, destinationWidth * sourceHeight);
            int rowStride = xIdentity ? sourceStride : destinationWidth;
            if (yIdentity)
            {
                for (int y = 0; y < destinationHeight; y++)
                {
                    rows.Slice(y * rowStride, destinationWidth).CopyTo(destination.Slice(y * destinationWidth, destinationWidth));
                }
            }
            else
            {
                CombineRows(rows, rowStride, destinationWidth, yIndex, yWeight, yTaps, destination, destinationHeight);
            }
        }
        finally
        {
            ReturnScratch(transposed, horizontal);
        }
    }

    /// <summary>
    /// Resamples like <see cref="Resample"/> but hands the output to <paramref name="sink"/> in blocks of at most
    /// <see cref="StreamBlockRows"/> rows instead of writing a whole destination: the full-size output never exists
    /// at once. Every output value is computed by the same arithmetic as <see cref="Resample"/>, so the values are
    /// bit-identical; only the memory differs (the horizontal pass, <c>sourceHeight x destinationWidth</c>, plus
    /// one block).
    /// </summary>
    public static void ResampleStreaming<TSink>(
        ReadOnlySpan<float> source, int sourceWidth, int sourceHeight, int sourceStride,
        int destinationWidth, int destinationHeight,
        ReadOnlySpan<int> xIndex, ReadOnlySpan<float> xWeight, int xTaps, bool xIdentity,
        ReadOnlySpan<int> yIndex, ReadOnlySpan<float> yWeight, int yTaps, bool yIdentity,
        ref TSink sink)
        where TSink : IRowBlockSink, allows ref struct
    {
        (float[]? transposed, float[]? horizontal) = HorizontalPass(source, sourceWidth, sourceHeight, sourceStride, destinationWidth, xIndex, xWeight, xTaps, xIdentity);
        float[] block = ArrayPool<float>.Shared.Rent(checked(StreamBlockRows * destinationWidth));
        try
        {
            ReadOnlySpan<float> rows = xIdentity ? source : transposed.AsSpan(0, destinationWidth * sourceHeight);
            int rowStride = xIdentity ? sourceStride : destinationWidth;
            for (int y0 = 0; y0 < destinationHeight; y0 += StreamBlockRows)
            {
                int count = Math.Min(StreamBlockRows, destinationHeight - y0);
                Span<float> target = block.AsSpan(0, count * destinationWidth);
                if (yIdentity)
                {
                    for (int y = 0; y < count; y++)
                    {
                        rows.Slice((y0 + y) * rowStride, destinationWidth).CopyTo(target.Slice(y * destinationWidth, destinationWidth));
                    }
                }
                else
                {
                    CombineRows(rows, rowStride, destinationWidth, yIndex[(y0 * yTaps)..], yWeight[(y0 * yTaps)..], yTaps, target, count);
                }

                sink.Consume(y0, target, count);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(block);
            ReturnScratch(transposed, horizontal);
        }
    }

    // The horizontal pass, when the x axis is not a plain copy: its result is the first returned buffer
    // (sourceHeight rows of destinationWidth values); both buffers go back through ReturnScratch.
    private static (float[]? Result, float[]? Scratch) HorizontalPass(
        ReadOnlySpan<float> source, int sourceWidth, int sourceHeight, int sourceStride, int destinationWidth,
        ReadOnlySpan<int> xIndex, ReadOnlySpan<float> xWeight, int xTaps, bool xIdentity)
    {
        if (xIdentity)
        {
            return (null, null);
        }

        float[]? transposed = null;
        float[]? horizontal = null;
        try
        {
            // Source transposed: sourceWidth rows of sourceHeight values.
            transposed = ArrayPool<float>.Shared.Rent(checked(sourceWidth * sourceHeight));
            Span<float> t = transposed.AsSpan(0, sourceWidth * sourceHeight);
            Transpose(source, sourceHeight, sourceWidth, sourceStride, t);

            // Horizontal pass in the transposed frame: destinationWidth rows of sourceHeight values.
            horizontal = ArrayPool<float>.Shared.Rent(checked(destinationWidth * sourceHeight));
            Span<float> h = horizontal.AsSpan(0, destinationWidth * sourceHeight);
            CombineRows(t, sourceHeight, xIndex, xWeight, xTaps, h, destinationWidth);

            // Back to row-major: sourceHeight rows of destinationWidth values, reusing the first buffer.
            if (transposed.Length < destinationWidth * sourceHeight)
            {
                ArrayPool<float>.Shared.Return(transposed);
                transposed = null;
                transposed = ArrayPool<float>.Shared.Rent(destinationWidth * sourceHeight);
            }

            Span<float> back = transposed.AsSpan(0, destinationWidth * sourceHeight);
            Transpose(h, destinationWidth, sourceHeight, sourceHeight, back);
            return (transposed, horizontal);
        }
        catch
        {
            ReturnScratch(transposed, horizontal);
            throw;
        }
    }

    private static void ReturnScratch(float[]? transposed, float[]? horizontal)
    {
        if (transposed is not null)
        {
            ArrayPool<float>.Shared.Return(transposed);
        }

        if (horizontal is not null)
        {
            ArrayPool<float>.Shared.Return(horizontal);
        }
    }

    /// <summary>Writes <paramref name="source"/> transposed: <c>destination[c * rowCount + r] = source[r * stride + c]</c>.</summary>
    public static void Transpose(ReadOnlySpan<float> source, int rowCount, int columnCount, int stride, Span<float> destination)
    {
        if (rowCount == 0 || columnCount == 0)
        {
            return;
        }

        long sourceNeeded = ((long)(rowCount - 1) * stride) + columnCount;
        long destinationNeeded = (long)rowCount * columnCount;
        if (stride < columnCount || source.Length < sourceNeeded || destination.Length < destinationNeeded)
        {
            throw new ArgumentException(
                $"Expected a source of at least {sourceNeeded} values (stride {stride} >= {columnCount}) and a destination of {destinationNeeded}; got {source.Length} and {destination.Length}.",
                nameof(source));
        }

        // Bounds are checked once above; the loops below use plain references.
        ref float src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        int rowsDone = 0, columnsDone = 0;
        if (Avx.IsSupported && rowCount >= 8 && columnCount >= 8)
        {
            rowsDone = rowCount & ~7;
            columnsDone = columnCount & ~7;
            for (int r = 0; r < rowsDone; r += 8)
            {
                for (int c = 0; c < columnsDone; c += 8)
                {
                    Transpose8x8(ref Unsafe.Add(ref src, ((nint)r * stride) + c), stride, ref Unsafe.Add(ref dst, ((nint)c * rowCount) + r), rowCount);
                }
            }
        }

        // What the 8 x 8 blocks left: the right strip of every row, then the bottom rows.
        TransposeScalar(ref src, stride, ref dst, rowCount, 0, rowsDone, columnsDone, columnCount);
        TransposeScalar(ref src, stride, ref dst, rowCount, rowsDone, rowCount, 0, columnCount);
    }

    private static void TransposeScalar(ref float src, int stride, ref float dst, int rowCount, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        for (int r0 = rowStart; r0 < rowEnd; r0 += TransposeBlock)
        {
            int r1 = Math.Min(r0 + TransposeBlock, rowEnd);
            for (int c0 = columnStart; c0 < columnEnd; c0 += TransposeBlock)
            {
                int c1 = Math.Min(c0 + TransposeBlock, columnEnd);
                for (int r = r0; r < r1; r++)
                {
                    ref float row = ref Unsafe.Add(ref src, (nint)r * stride);
                    for (int c = c0; c < c1; c++)
                    {
                        Unsafe.Add(ref dst, ((nint)c * rowCount) + r) = Unsafe.Add(ref row, c);
                    }
                }
            }
        }
    }

    /// <summary>The classic AVX 8 x 8 transpose: unpack pairs, shuffle quads, swap 128-bit halves.</summary>
    private static void Transpose8x8(ref float src, int sourceStride, ref float dst, int destinationStride)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref src);
        Vector256<float> r1 = Vector256.LoadUnsafe(ref src, (nuint)sourceStride);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref src, (nuint)(2 * sourceStride));
        Vector256<float> r3 = Vector256.LoadUnsafe(ref src, (nuint)(3 * sourceStride));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref src, (nuint)(4 * sourceStride));
        Vector256<float> r5 = Vector256.LoadUnsafe(ref src, (nuint)(5 * sourceStride));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref src, (nuint)(6 * sourceStride));
        Vector256<float> r7 = Vector256.LoadUnsafe(ref src, (nuint)(7 * sourceStride));

        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> q0 = Avx.Shuffle(t0, t2, 0x44), q1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> q2 = Avx.Shuffle(t1, t3, 0x44), q3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> q4 = Avx.Shuffle(t4, t6, 0x44), q5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> q6 = Avx.Shuffle(t5, t7, 0x44), q7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Permute2x128(q0, q4, 0x20).StoreUnsafe(ref dst);
        Avx.Permute2x128(q1, q5, 0x20).StoreUnsafe(ref dst, (nuint)destinationStride);
        Avx.Permute2x128(q2, q6, 0x20).StoreUnsafe(ref dst, (nuint)(2 * destinationStride));
        Avx.Permute2x128(q3, q7, 0x20).StoreUnsafe(ref dst, (nuint)(3 * destinationStride));
        Avx.Permute2x128(q0, q4, 0x31).StoreUnsafe(ref dst, (nuint)(4 * destinationStride));
        Avx.Permute2x128(q1, q5, 0x31).StoreUnsafe(ref dst, (nuint)(5 * destinationStride));
        Avx.Permute2x128(q2, q6, 0x31).StoreUnsafe(ref dst, (nuint)(6 * destinationStride));
        Avx.Permute2x128(q3, q7, 0x31).StoreUnsafe(ref dst, (nuint)(7 * destinationStride));
    }

    private static void CombineRows(ReadOnlySpan<float> rows, int rowLength, ReadOnlySpan<int> index, ReadOnlySpan<float> weight, int taps, Span<float> destination, int outputRows)
        => CombineRows(rows, rowLength, rowLength, index, weight, taps, destination, outputRows);

    private static void CombineRows(
        ReadOnlySpan<float> rows, int rowStride, int rowLength, ReadOnlySpan<int> index, ReadOnlySpan<float> weight, int taps,
        Span<float> destination, int outputRows)
    {
        for (int o = 0; o < outputRows; o++)
        {
            Span<float> target = destination.Slice(o * rowLength, rowLength);
            int k = o * taps;
            if (taps == 2)
            {
                WeightedRowSum.Two(
                    rows.Slice(index[k] * rowStride, rowLength), weight[k],
                    rows.Slice(index[k + 1] * rowStride, rowLength), weight[k + 1],
                    target);
            }
            else
            {
                WeightedRowSum.Four(
                    rows.Slice(index[k] * rowStride, rowLength), weight[k],
                    rows.Slice(index[k + 1] * rowStride, rowLength), weight[k + 1],
                    rows.Slice(index[k + 2] * rowStride, rowLength), weight[k + 2],
                    rows.Slice(index[k + 3] * rowStride, rowLength), weight[k + 3],
                    target);
            }
        }
    }
}
