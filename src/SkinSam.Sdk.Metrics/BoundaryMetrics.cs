using System.Buffers;

namespace SkinSam.Sdk.Metrics;

/// <summary>
/// Boundary-distance metrics of a predicted mask against its ground truth, in the unit of the
/// <see cref="PixelSpacing"/> (pixels by default).
/// </summary>
/// <remarks>
/// <para>
/// Surface of a mask: its foreground pixels with at least one 4-neighbour (left, right, up, down) that
/// is background or outside the image; equal to <c>mask &amp; ~binary_erosion(mask, cross, border_value=0)</c>
/// as in MedPy. Directed distances d(P→G): for every surface pixel of the prediction, the exact
/// Euclidean distance (pixel centres, scaled by the spacing) to the nearest surface pixel of the ground
/// truth; d(G→P) the other way. Both use an exact Euclidean distance transform (Felzenszwalb–Huttenlocher).
/// </para>
/// <para>
/// Over the union U of both directed sets (|U| = surface pixels of P + surface pixels of G):
/// <see cref="HausdorffDistance95"/> is the 95th percentile of U with linear interpolation
/// (<c>numpy.percentile(U, 95)</c>, as MedPy's <c>hd95</c>); <see cref="HausdorffDistance"/> is the
/// maximum of U; <see cref="AverageSymmetricSurfaceDistance"/> is the mean of U (Heimann et al. 2009,
/// MONAI's symmetric average surface distance). MedPy's <c>assd</c> averages the two directed means
/// instead, which differs when the two surfaces have different sizes.
/// </para>
/// <para>
/// Empty masks: both empty gives 0 for all three (identical masks); exactly one empty gives
/// +infinity for all three (no surface to measure to).
/// </para>
/// </remarks>
/// <param name="HausdorffDistance95">95th percentile of the symmetric surface distances.</param>
/// <param name="AverageSymmetricSurfaceDistance">Mean of the symmetric surface distances.</param>
/// <param name="HausdorffDistance">Largest symmetric surface distance (the Hausdorff distance between the surfaces).</param>
public readonly record struct BoundaryMetrics(
    double HausdorffDistance95,
    double AverageSymmetricSurfaceDistance,
    double HausdorffDistance)
{
    private const int AliasingPad = 2048 + 64;

    /// <summary>The value for two empty masks: all distances 0.</summary>
    public static BoundaryMetrics BothEmpty => new(0, 0, 0);

    /// <summary>The value when exactly one mask is empty: all distances +infinity.</summary>
    public static BoundaryMetrics OneEmpty => new(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity);

    /// <summary>Computes the boundary metrics with distances in pixels.</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="predicted">The predicted mask, width * height bytes row-major, nonzero = foreground.</param>
    /// <param name="groundTruth">The ground-truth mask, same layout.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1.</exception>
    /// <exception cref="ArgumentException">A mask is not width * height bytes long.</exception>
    public static BoundaryMetrics Compute(int width, int height, ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> groundTruth) =>
        Compute(width, height, predicted, groundTruth, PixelSpacing.Unit);

    /// <summary>
    /// Computes the boundary metrics with distances in the unit of <paramref name="spacing"/>. Scratch
    /// memory is rented from <see cref="ArrayPool{T}.Shared"/>, so steady-state calls allocate nothing.
    /// </summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="predicted">The predicted mask, width * height bytes row-major, nonzero = foreground.</param>
    /// <param name="groundTruth">The ground-truth mask, same layout.</param>
    /// <param name="spacing">The physical size of a pixel.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1.</exception>
    /// <exception cref="ArgumentException">A mask is not width * height bytes long, or <paramref name="spacing"/> is the default value.</exception>
    public static BoundaryMetrics Compute(int width, int height, ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> groundTruth, PixelSpacing spacing)
    {
        int n = MaskShape.Validate(width, height, predicted.Length, groundTruth.Length);
        spacing.EnsureValid();

        // The three buffers start at offsets that differ in their low 12 bits, so that loops streaming
        // through two of them at once do not risk 4K-aliasing stalls when n is a multiple of 4096.
        int stride = checked(((n + 63) & ~63) + AliasingPad);
        byte[] rented = ArrayPool<byte>.Shared.Rent(checked((2 * stride) + n));
        try
        {
            Span<byte> scratch = rented.AsSpan(0, n);
            Span<byte> surfaceP = rented.AsSpan(stride, n);
            Span<byte> surfaceG = rented.AsSpan(2 * stride, n);
            SurfaceBox boxP = SurfaceExtraction.Extract(width, height, predicted, scratch, surfaceP);
            SurfaceBox boxG = SurfaceExtraction.Extract(width, height, groundTruth, scratch, surfaceG);
            if (boxP.Count == 0 && boxG.Count == 0)
            {
                return BothEmpty;
            }

            if (boxP.Count == 0 || boxG.Count == 0)
            {
                return OneEmpty;
            }

            return FromSurfaces(width, surfaceP, surfaceG, boxP, boxG, spacing);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static BoundaryMetrics FromSurfaces(
        int width,
        ReadOnlySpan<byte> surfaceP,
        ReadOnlySpan<byte> surfaceG,
        SurfaceBox boxP,
        SurfaceBox boxG,
        PixelSpacing spacing)
    {
        SurfaceBox box = SurfaceBox.Union(boxP, boxG);
        double[] rented = ArrayPool<double>.Shared.Rent(box.Count);
        try
        {
            Span<double> distances = rented.AsSpan(0, box.Count);
            int fromP = SurfaceDistanceTransform.Collect(width, box, surfaceG, surfaceP, spacing, distances);
            int fromG = SurfaceDistanceTransform.Collect(width, box, surfaceP, surfaceG, spacing, distances[fromP..]);
            distances = distances[..(fromP + fromG)];

            double sum = 0;
            double max = 0;
            foreach (double d in distances)
            {
                sum += d;
                max = Math.Max(max, d);
            }

            return new BoundaryMetrics(PercentileSelection.Of(distances, 0.95), sum / distances.Length, max);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }
}
