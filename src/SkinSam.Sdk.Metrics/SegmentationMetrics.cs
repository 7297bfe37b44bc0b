namespace SkinSam.Sdk.Metrics;

/// <summary>
/// Every per-image metric of a predicted mask against its ground truth: the confusion counts, the
/// region metrics (<see cref="RegionMetrics"/>) and the boundary metrics (<see cref="BoundaryMetrics"/>).
/// The conventions for empty masks are those of the two types (see docs/metrics.md).
/// </summary>
/// <param name="Counts">The pixel confusion matrix.</param>
/// <param name="Region">Pixel accuracy, Dice, IoU, precision, sensitivity, specificity.</param>
/// <param name="Boundary">HD95, ASSD and the Hausdorff distance.</param>
public readonly record struct SegmentationMetrics(ConfusionCounts Counts, RegionMetrics Region, BoundaryMetrics Boundary)
{
    /// <summary>(TP + TN) / all pixels.</summary>
    public double PixelAccuracy => Region.PixelAccuracy;

    /// <summary>2 TP / (2 TP + FP + FN).</summary>
    public double Dice => Region.Dice;

    /// <summary>TP / (TP + FP + FN).</summary>
    public double IoU => Region.IoU;

    /// <summary>TP / (TP + FP).</summary>
    public double Precision => Region.Precision;

    /// <summary>TP / (TP + FN).</summary>
    public double Sensitivity => Region.Sensitivity;

    /// <summary>TN / (TN + FP).</summary>
    public double Specificity => Region.Specificity;

    /// <summary>95th percentile of the symmetric surface distances.</summary>
    public double HausdorffDistance95 => Boundary.HausdorffDistance95;

    /// <summary>Mean of the symmetric surface distances.</summary>
    public double AverageSymmetricSurfaceDistance => Boundary.AverageSymmetricSurfaceDistance;

    /// <summary>Largest symmetric surface distance.</summary>
    public double HausdorffDistance => Boundary.HausdorffDistance;

    /// <summary>Computes every metric with distances in pixels.</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="predicted">The predicted mask, width * height bytes row-major, nonzero = foreground.</param>
    /// <param name="groundTruth">The ground-truth mask, same layout.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1.</exception>
    /// <exception cref="ArgumentException">A mask is not width * height bytes long.</exception>
    public static SegmentationMetrics Compute(int width, int height, ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> groundTruth) =>
        Compute(width, height, predicted, groundTruth, PixelSpacing.Unit);

    /// <summary>
    /// Computes every metric with distances in the unit of <paramref name="spacing"/>. Allocates nothing
    /// in steady state: scratch memory is pooled and the result is a value.
    /// </summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="predicted">The predicted mask, width * height bytes row-major, nonzero = foreground.</param>
    /// <param name="groundTruth">The ground-truth mask, same layout.</param>
    /// <param name="spacing">The physical size of a pixel.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1.</exception>
    /// <exception cref="ArgumentException">A mask is not width * height bytes long, or <paramref name="spacing"/> is the default value.</exception>
    public static SegmentationMetrics Compute(int width, int height, ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> groundTruth, PixelSpacing spacing)
    {
        ConfusionCounts counts = ConfusionCounts.FromMasks(width, height, predicted, groundTruth);
        BoundaryMetrics boundary = BoundaryMetrics.Compute(width, height, predicted, groundTruth, spacing);
        return new SegmentationMetrics(counts, RegionMetrics.FromCounts(counts), boundary);
    }
}
