using System.Buffers;

namespace SkinSam.Sdk.Metrics;

/// <summary>
/// Exact Euclidean distances from query pixels to the nearest feature pixel, by the separable
/// squared-distance transform of Felzenszwalb and Huttenlocher ("Distance Transforms of Sampled
/// Functions", Theory of Computing 8, 2012): a 1-D pass down the columns, then the lower envelope of
/// parabolas along each row. Linear in the pixels of the box it works on.
/// </summary>
/// <remarks>
/// The transform runs only inside the smallest box holding every feature and every query: the
/// nearest feature of a query is always inside that box, so the result is still exact. Rows without
/// a query skip the envelope pass. Scratch memory comes from <see cref="ArrayPool{T}.Shared"/>.
/// </remarks>
internal static class SurfaceDistanceTransform
{
    /// <summary>
    /// For each nonzero pixel of <paramref name="queries"/>, in row-major order, writes the distance to
    /// the nearest nonzero pixel of <paramref name="features"/> into <paramref name="destination"/> and
    /// returns how many it wrote. <paramref name="features"/> must have at least one nonzero pixel inside
    /// <paramref name="box"/>, and <paramref name="box"/> must hold every nonzero pixel of both.
    /// </summary>
    public static int Collect(
        int width,
        SurfaceBox box,
        ReadOnlySpan<byte> features,
        ReadOnlySpan<byte> queries,
        PixelSpacing spacing,
        Span<double> destination)
    {
        int boxWidth = box.MaxX - box.MinX + 1;
        int boxHeight = box.MaxY - box.MinY + 1;
        double[] columnRented = ArrayPool<double>.Shared.Rent(boxWidth * boxHeight);
        double[] envelopeRented = ArrayPool<double>.Shared.Rent(boxWidth + 1);
        int[] indexRented = ArrayPool<int>.Shared.Rent(boxWidth);
        try
        {
            Span<double> columnSquared = columnRented.AsSpan(0, boxWidth * boxHeight);
            Span<int> nearestRow = indexRented.AsSpan(0, boxWidth);
            ColumnPass(width, box, features, queries, spacing.Y, columnSquared, nearestRow);

            Span<int> parabolaAt = indexRented.AsSpan(0, boxWidth);
            Span<double> boundaries = envelopeRented.AsSpan(0, boxWidth + 1);
            int written = 0;
            for (int r = 0; r < boxHeight; r++)
            {
                ReadOnlySpan<byte> queryRow = queries.Slice(((box.MinY + r) * width) + box.MinX, boxWidth);
                if (!queryRow.ContainsAnyExcept((byte)0))
                {
                    continue;
                }

                written += RowPass(columnSquared.Slice(r * boxWidth, boxWidth), queryRow, spacing.X, parabolaAt, boundaries, destination[written..]);
            }

            return written;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(indexRented);
            ArrayPool<double>.Shared.Return(envelopeRented);
            ArrayPool<double>.Shared.Return(columnRented);
        }
    }

    /// <summary>
    /// Squared distance, along its own column, from every box pixel of a query row to the nearest feature
    /// (+infinity when the column has none). Rows without queries only track where features are.
    /// </summary>
    private static void ColumnPass(
        int width,
        SurfaceBox box,
        ReadOnlySpan<byte> features,
        ReadOnlySpan<byte> queries,
        double spacingY,
        Span<double> columnSquared,
        Span<int> nearestRow)
    {
        int boxWidth = box.MaxX - box.MinX + 1;
        int boxHeight = box.MaxY - box.MinY + 1;

        // Downwards: the nearest feature at or above.
        nearestRow.Fill(-1);
        for (int r = 0; r < boxHeight; r++)
        {
            int offset = ((box.MinY + r) * width) + box.MinX;
            ReadOnlySpan<byte> featureRow = features.Slice(offset, boxWidth);
            MarkFeatures(featureRow, nearestRow, r);
            if (!queries.Slice(offset, boxWidth).ContainsAnyExcept((byte)0))
            {
                continue;
            }

            Span<double> row = columnSquared.Slice(r * boxWidth, boxWidth);
            for (int i = 0; i < row.Length; i++)
            {
                int above = nearestRow[i];
                double dy = (r - above) * spacingY;
                row[i] = above < 0 ? double.PositiveInfinity : dy * dy;
            }
        }

        // Upwards: the nearest feature at or below, kept when nearer.
        nearestRow.Fill(-1);
        for (int r = boxHeight - 1; r >= 0; r--)
        {
            int offset = ((box.MinY + r) * width) + box.MinX;
            MarkFeatures(features.Slice(offset, boxWidth), nearestRow, r);
            if (!queries.Slice(offset, boxWidth).ContainsAnyExcept((byte)0))
            {
                continue;
            }

            Span<double> row = columnSquared.Slice(r * boxWidth, boxWidth);
            for (int i = 0; i < row.Length; i++)
            {
                int below = nearestRow[i];
                if (below >= 0)
                {
                    double dy = (below - r) * spacingY;
                    row[i] = Math.Min(row[i], dy * dy);
                }
            }
        }
    }

    private static void MarkFeatures(ReadOnlySpan<byte> featureRow, Span<int> nearestRow, int r)
    {
        int i = featureRow.IndexOfAnyExcept((byte)0);
        while (i >= 0)
        {
            nearestRow[i] = r;
            int next = featureRow[(i + 1)..].IndexOfAnyExcept((byte)0);
            i = next < 0 ? -1 : i + 1 + next;
        }
    }

    /// <summary>
    /// The lower envelope of the parabolas (x - x_q)^2 + f(q) over the finite f(q) of one row, read at
    /// every query pixel of that row. Returns the number of distances written.
    /// </summary>
    private static int RowPass(
        ReadOnlySpan<double> f,
        ReadOnlySpan<byte> queryRow,
        double spacingX,
        Span<int> parabolaAt,
        Span<double> boundaries,
        Span<double> destination)
    {
        int k = -1;
        for (int q = 0; q < f.Length; q++)
        {
            double fq = f[q];
            if (double.IsPositiveInfinity(fq))
            {
                continue;
            }

            double xq = q * spacingX;
            if (k < 0)
            {
                k = 0;
                parabolaAt[0] = q;
                boundaries[0] = double.NegativeInfinity;
                boundaries[1] = double.PositiveInfinity;
                continue;
            }

            double s;
            while (true)
            {
                int v = parabolaAt[k];
                double xv = v * spacingX;
                s = ((fq + (xq * xq)) - (f[v] + (xv * xv))) / (2 * (xq - xv));
                if (s > boundaries[k])
                {
                    break;
                }

                k--;
            }

            k++;
            parabolaAt[k] = q;
            boundaries[k] = s;
            boundaries[k + 1] = double.PositiveInfinity;
        }

        int written = 0;
        int j = 0;
        int p = queryRow.IndexOfAnyExcept((byte)0);
        while (p >= 0)
        {
            double xp = p * spacingX;
            while (boundaries[j + 1] < xp)
            {
                j++;
            }

            int v = parabolaAt[j];
            double dx = xp - (v * spacingX);
            destination[written++] = Math.Sqrt((dx * dx) + f[v]);
            int next = queryRow[(p + 1)..].IndexOfAnyExcept((byte)0);
            p = next < 0 ? -1 : p + 1 + next;
        }

        return written;
    }
}
