namespace SkinSam.Sdk.Metrics;

/// <summary>
/// The summary of every metric over one group of images (a lesion type, or all images). Each metric is
/// averaged per image (macro average); <see cref="PooledCounts"/> adds the pixels of all images for
/// those who want pooled (micro-averaged) figures via <see cref="RegionMetrics.FromCounts"/>.
/// </summary>
/// <param name="Group">The group's key, or <see cref="MetricAggregation.OverallGroup"/> for all images.</param>
/// <param name="ImageCount">Number of images in the group.</param>
/// <param name="PooledCounts">The confusion counts of all images added together.</param>
/// <param name="PixelAccuracy">Summary of the per-image pixel accuracy.</param>
/// <param name="Dice">Summary of the per-image Dice coefficient.</param>
/// <param name="IoU">Summary of the per-image IoU.</param>
/// <param name="Precision">Summary of the per-image precision.</param>
/// <param name="Sensitivity">Summary of the per-image sensitivity.</param>
/// <param name="Specificity">Summary of the per-image specificity.</param>
/// <param name="HausdorffDistance95">Summary of the per-image HD95 (infinite values counted apart).</param>
/// <param name="AverageSymmetricSurfaceDistance">Summary of the per-image ASSD (infinite values counted apart).</param>
/// <param name="HausdorffDistance">Summary of the per-image Hausdorff distance (infinite values counted apart).</param>
public sealed record GroupMetricSummary(
    string Group,
    int ImageCount,
    ConfusionCounts PooledCounts,
    MetricSummary PixelAccuracy,
    MetricSummary Dice,
    MetricSummary IoU,
    MetricSummary Precision,
    MetricSummary Sensitivity,
    MetricSummary Specificity,
    MetricSummary HausdorffDistance95,
    MetricSummary AverageSymmetricSurfaceDistance,
    MetricSummary HausdorffDistance)
{
    /// <summary>
    /// Summarises the metrics of a group's images. Every metric uses the same bootstrap seed, so the
    /// resamples are paired across metrics.
    /// </summary>
    /// <param name="group">The group's key.</param>
    /// <param name="images">The metrics of each image of the group.</param>
    /// <param name="options">The bootstrap options.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="group"/> or <paramref name="options"/> is null.</exception>
    public static GroupMetricSummary Compute(string group, ReadOnlySpan<SegmentationMetrics> images, BootstrapOptions options)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        double[] values = new double[images.Length];
        ConfusionCounts pooled = default;
        foreach (SegmentationMetrics m in images)
        {
            pooled += m.Counts;
        }

        MetricSummary Summarise(ReadOnlySpan<SegmentationMetrics> items, Func<SegmentationMetrics, double> select)
        {
            for (int i = 0; i < items.Length; i++)
            {
                values[i] = select(items[i]);
            }

            return MetricSummary.Compute(values, options);
        }

        return new GroupMetricSummary(
            group,
            images.Length,
            pooled,
            Summarise(images, static m => m.PixelAccuracy),
            Summarise(images, static m => m.Dice),
            Summarise(images, static m => m.IoU),
            Summarise(images, static m => m.Precision),
            Summarise(images, static m => m.Sensitivity),
            Summarise(images, static m => m.Specificity),
            Summarise(images, static m => m.HausdorffDistance95),
            Summarise(images, static m => m.AverageSymmetricSurfaceDistance),
            Summarise(images, static m => m.HausdorffDistance));
    }
}
