using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SkinSam.Sdk.Postprocessing;

/// <summary>
/// Applies a separable linear resampling given as taps per axis (two or four source indices and
/// weights per output position): horizontal first, then vertical, like PyTorch's bilinear kernel.
/// </summary>
/// <remarks>
/// The horizontal pass would need a gather per output value. Instead the source is transposed, so the
/// horizontal pass becomes weighted sums of whole contiguous rows (vectorised), and transposed back
/// before the vertical pass, which is again whole-row sums. Only the transposes move single values.
/// Scratch memory comes from <see cref="ArrayPool{T}.Shared"/>; nothing is allocated per call once
/// the pool is warm.
/// </remarks>
internal static class SeparableResampler
{
    private const int TransposeBlock = 16;

    /// <summary>Resamples <paramref name="source"/> (rows <paramref name="sourceStride"/> apart) into <paramref name="destination"/>.</summary>
    public static void Resample(
        ReadOnlySpan<float> source, int sourceWidth, int sourceHeight, int sourceStride,
        Span<float> destination, int destinationWidth, int destinationHeight,
        ReadOnlySpan<int> xIndex, ReadOnlySpan<float> xWeight, int xTaps, bool xIdentity,
        ReadOnlySpan<int> yIndex, ReadOnlySpan<float> yWeight, int yTaps, bool yIdentity)
    {
        float[]? transposed = null;
        float[]? horizontal = null;
        try
        {
            ReadOnlySpan<float> rows;
            int rowStride;
            if (xIdentity)
            {
                rows = source;
                rowStride = sourceStride;
            }
            else
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
                rows = back;
                rowStride = destinationWidth;
            }

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
            if (transposed is not null)
            {
                ArrayPool<float>.Shared.Return(transposed);
            }

            if (horizontal is not null)
            {
                ArrayPool<float>.Shared.Return(horizontal);
            }
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

        // Bounds are checked once above; the blocked loops then use plain references.
        ref float src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        for (int r0 = 0; r0 < rowCount; r0 += TransposeBlock)
        {
            int r1 = Math.Min(r0 + TransposeBlock, rowCount);
            for (int c0 = 0; c0 < columnCount; c0 += TransposeBlock)
            {
                int c1 = Math.Min(c0 + TransposeBlock, columnCount);
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
