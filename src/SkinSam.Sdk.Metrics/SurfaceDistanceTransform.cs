using System.Buffers;

namespace SkinSam.Sdk.Metrics;

/// <summary>
/// Exact Euclidean distances from query pixels to the nearest feature pixel, by the separable
/// squared-distance transform of Felzenszwalb and Huttenlocher ("Distance Transforms of Sampled
/// Functions", Theory of Computing 8, 2012): a 1-D pass down the columns, then the lower envelope of
/// parabolas along each row, read at the query pixels. Linear in the pixels of the box it works on.
/// </summary>
/// <remarks>
/// Only the distances at the queries are needed, so the transform skips work that cannot change them,
/// and stays exact:
/// <list type="bullet">
/// <item>It runs inside the smallest box holding every feature and every query; a query's nearest
/// feature is always inside it.</item>
/// <item>The column pass only records, per column, the nearest feature row above and below; column
/// distances are computed on demand in rows that hold a query.</item>
/// <item>In such a row, each query p has an upper bound B on its squared distance: the column distance at
/// p, or the distance to the nearest feature in the same row. A column c with (c - p)^2 sx^2 > B cannot
/// hold p's nearest feature, so the envelope is built only over columns within sqrt(B) / sx of some query.</item>
/// </list>
/// Scratch memory comes from <see cref="ArrayPool{T}.Shared"/>.
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
        Span<double> destination) => Collect(width, box, features, queries, spacing, destination, squared: false);

    /// <summary>
    /// As <see cref="Collect(int, SurfaceBox, ReadOnlySpan{byte}, ReadOnlySpan{byte}, PixelSpacing, Span{double})"/>, but
    /// writes the squared distances (exact integers on the unit grid, where a square root and back would not be).
    /// </summary>
    public static int CollectSquared(
        int width,
        SurfaceBox box,
        ReadOnlySpan<byte> features,
        ReadOnlySpan<byte> queries,
        PixelSpacing spacing,
        Span<double> destination) => Collect(width, box, features, queries, spacing, destination, squared: true);

    private static int Collect(
        int width,
        SurfaceBox box,
        ReadOnlySpan<byte> features,
        ReadOnlySpan<byte> queries,
        PixelSpacing spacing,
        Span<double> destination,
        bool squared)
    {
        int boxWidth = box.MaxX - box.MinX + 1;
        int boxHeight = box.MaxY - box.MinY + 1;
        int[] aboveRented = ArrayPool<int>.Shared.Rent(boxWidth * boxHeight);
        int[] intRented = ArrayPool<int>.Shared.Rent((4 * boxWidth) + 1);
        double[] doubleRented = ArrayPool<double>.Shared.Rent((2 * boxWidth) + 1);
        try
        {
            var scratch = new RowScratch(
                intRented.AsSpan(0, boxWidth),
                intRented.AsSpan(boxWidth, boxWidth),
                intRented.AsSpan(2 * boxWidth, boxWidth + 1),
                doubleRented.AsSpan(0, boxWidth),
                doubleRented.AsSpan(boxWidth, boxWidth + 1));
            Span<int> nearest = intRented.AsSpan((3 * boxWidth) + 1, boxWidth);
            Span<int> above = aboveRented.AsSpan(0, boxWidth * boxHeight);

            // Downwards: remember, for every query row, the nearest feature row at or above in each column.
            nearest.Fill(-1);
            int total = 0;
            for (int r = 0; r < boxHeight; r++)
            {
                int offset = ((box.MinY + r) * width) + box.MinX;
                MarkFeatures(features.Slice(offset, boxWidth), nearest, r);
                ReadOnlySpan<byte> queryRow = queries.Slice(offset, boxWidth);
                if (queryRow.ContainsAnyExcept((byte)0))
                {
                    nearest.CopyTo(above.Slice(r * boxWidth, boxWidth));
                    total += (int)ForegroundCounting.CountNonZero(queryRow);
                }
            }

            // Upwards: with the nearest feature row at or below known too, finish each query row.
            // Rows are finished bottom-up, so their distances are written from the end.
            nearest.Fill(-1);
            int end = total;
            for (int r = boxHeight - 1; r >= 0; r--)
            {
                int offset = ((box.MinY + r) * width) + box.MinX;
                ReadOnlySpan<byte> featureRow = features.Slice(offset, boxWidth);
                MarkFeatures(featureRow, nearest, r);
                ReadOnlySpan<byte> queryRow = queries.Slice(offset, boxWidth);
                if (!queryRow.ContainsAnyExcept((byte)0))
                {
                    continue;
                }

                var column = new ColumnDistances(r, above.Slice(r * boxWidth, boxWidth), nearest, spacing.Y);
                end -= RowPass(column, featureRow, queryRow, spacing.X, scratch, destination[..end], squared);
            }

            return total;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(doubleRented);
            ArrayPool<int>.Shared.Return(intRented);
            ArrayPool<int>.Shared.Return(aboveRented);
        }
    }

    private static void MarkFeatures(ReadOnlySpan<byte> featureRow, Span<int> nearestRow, int r)
    {
        int i = featureRow.IndexOfAnyExcept((byte)0);
        while (i >= 0)
        {
            nearestRow[i] = r;
            i = NextNonZero(featureRow, i + 1);
        }
    }

    private static int NextNonZero(ReadOnlySpan<byte> row, int from)
    {
        // Dense rows (speckled masks) mostly hit the next byte; sparse ones use the vectorised search.
        if (from < row.Length && row[from] != 0)
        {
            return from;
        }

        int next = row[from..].IndexOfAnyExcept((byte)0);
        return next < 0 ? -1 : from + next;
    }

    /// <summary>
    /// Finishes one query row: bounds each query's reach, builds the lower envelope of the parabolas
    /// (x - x_c)^2 + g(c) over the reachable columns with finite column distance g, and reads it at every
    /// query. Writes the row's distances (or squared distances) at the end of <paramref name="destination"/>; returns how many.
    /// </summary>
    private static int RowPass(
        ColumnDistances column,
        ReadOnlySpan<byte> featureRow,
        ReadOnlySpan<byte> queryRow,
        double spacingX,
        RowScratch scratch,
        Span<double> destination,
        bool squared)
    {
        int boxWidth = queryRow.Length;
        Span<int> queryAt = scratch.QueryAt;
        Span<int> cover = scratch.Cover;
        cover.Clear();

        // Reach of each query; the nearest feature in the same row is found by merging two sorted lists.
        int count = 0;
        int previousFeature = -1;
        int nextFeature = featureRow.IndexOfAnyExcept((byte)0);
        for (int p = queryRow.IndexOfAnyExcept((byte)0); p >= 0; p = NextNonZero(queryRow, p + 1))
        {
            while (nextFeature >= 0 && nextFeature < p)
            {
                previousFeature = nextFeature;
                nextFeature = NextNonZero(featureRow, nextFeature + 1);
            }

            int inRow = int.MaxValue;
            if (previousFeature >= 0)
            {
                inRow = p - previousFeature;
            }

            if (nextFeature >= 0)
            {
                inRow = Math.Min(inRow, nextFeature - p);
            }

            double bound = column.SquaredAt(p);
            if (inRow != int.MaxValue)
            {
                double dx = inRow * spacingX;
                bound = Math.Min(bound, dx * dx);
            }

            int lo = 0, hi = boxWidth - 1;
            if (!double.IsPositiveInfinity(bound))
            {
                // One column of slack keeps the bound's own column inside despite rounding in the square root.
                double reach = Math.Floor(Math.Sqrt(bound) / spacingX) + 1;
                if (reach < boxWidth)
                {
                    lo = Math.Max(0, p - (int)reach);
                    hi = Math.Min(boxWidth - 1, p + (int)reach);
                }
            }

            cover[lo]++;
            cover[hi + 1]--;
            queryAt[count++] = p;
        }

        // Lower envelope of the parabolas of the covered columns.
        Span<int> parabolaAt = scratch.ParabolaAt;
        Span<double> boundaries = scratch.Boundaries;
        Span<double> f = scratch.ColumnSquared;
        int k = -1;
        int covered = 0;
        for (int q = 0; q < boxWidth; q++)
        {
            covered += cover[q];
            if (covered == 0)
            {
                continue;
            }

            double fq = column.SquaredAt(q);
            if (double.IsPositiveInfinity(fq))
            {
                continue;
            }

            f[q] = fq;
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

        Span<double> output = destination[^count..];
        int j = 0;
        for (int i = 0; i < count; i++)
        {
            double xp = queryAt[i] * spacingX;
            while (boundaries[j + 1] < xp)
            {
                j++;
            }

            int v = parabolaAt[j];
            double dx = xp - (v * spacingX);
            double squaredDistance = (dx * dx) + f[v];
            output[i] = squared ? squaredDistance : Math.Sqrt(squaredDistance);
        }

        return count;
    }

    /// <summary>Column distances of one row, from the nearest feature rows above and below each column.</summary>
    private readonly ref struct ColumnDistances(int row, ReadOnlySpan<int> above, ReadOnlySpan<int> below, double spacingY)
    {
        private readonly ReadOnlySpan<int> _above = above;
        private readonly ReadOnlySpan<int> _below = below;

        /// <summary>Squared distance along column <paramref name="c"/> to its nearest feature; +infinity when it has none.</summary>
        public double SquaredAt(int c)
        {
            double best = double.PositiveInfinity;
            int a = _above[c];
            if (a >= 0)
            {
                double dy = (row - a) * spacingY;
                best = dy * dy;
            }

            int b = _below[c];
            if (b >= 0)
            {
                double dy = (b - row) * spacingY;
                best = Math.Min(best, dy * dy);
            }

            return best;
        }
    }

    /// <summary>Per-row working memory, as wide as the box (plus one where noted).</summary>
    private readonly ref struct RowScratch(Span<int> queryAt, Span<int> parabolaAt, Span<int> cover, Span<double> columnSquared, Span<double> boundaries)
    {
        public Span<int> QueryAt { get; } = queryAt;

        public Span<int> ParabolaAt { get; } = parabolaAt;

        public Span<int> Cover { get; } = cover;

        public Span<double> ColumnSquared { get; } = columnSquared;

        public Span<double> Boundaries { get; } = boundaries;
    }
}
