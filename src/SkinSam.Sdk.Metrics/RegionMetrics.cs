namespace SkinSam.Sdk.Metrics;

/// <summary>
/// Overlap metrics of one predicted mask against its ground truth, from a <see cref="ConfusionCounts"/>.
/// All lie in [0, 1].
/// </summary>
/// <remarks>
/// Convention for a zero denominator (for example Dice of two empty masks, or precision of an empty
/// prediction): the metric is 1 when the two masks are identical (no false positive and no false negative)
/// and 0 otherwise. So two empty masks score 1 everywhere; an empty prediction of a lesion scores
/// precision 0; a prediction of foreground where the ground truth is empty scores sensitivity 0.
/// The relation Dice = 2 IoU / (1 + IoU) holds in every case. See docs/metrics.md.
/// </remarks>
/// <param name="PixelAccuracy">(TP + TN) / (TP + FP + FN + TN).</param>
/// <param name="Dice">2 TP / (2 TP + FP + FN), the F1 score of the foreground.</param>
/// <param name="IoU">TP / (TP + FP + FN), the Jaccard index.</param>
/// <param name="Precision">TP / (TP + FP), the positive predictive value.</param>
/// <param name="Sensitivity">TP / (TP + FN), the recall of the foreground.</param>
/// <param name="Specificity">TN / (TN + FP), the recall of the background.</param>
public readonly record struct RegionMetrics(
    double PixelAccuracy,
    double Dice,
    double IoU,
    double Precision,
    double Sensitivity,
    double Specificity)
{
    /// <summary>Computes every region metric from a confusion matrix.</summary>
    /// <param name="counts">The confusion matrix.</param>
    /// <returns>The metrics, with the zero-denominator convention described on the type.</returns>
    public static RegionMetrics FromCounts(ConfusionCounts counts)
    {
        bool agree = counts.MasksAgree;
        double tp = counts.TruePositives;
        double fp = counts.FalsePositives;
        double fn = counts.FalseNegatives;
        double tn = counts.TrueNegatives;
        return new RegionMetrics(
            Ratio(tp + tn, counts.PixelCount, agree),
            Ratio(2 * tp, (2 * counts.TruePositives) + counts.FalsePositives + counts.FalseNegatives, agree),
            Ratio(tp, counts.TruePositives + counts.FalsePositives + counts.FalseNegatives, agree),
            Ratio(tp, counts.TruePositives + counts.FalsePositives, agree),
            Ratio(tp, counts.TruePositives + counts.FalseNegatives, agree),
            Ratio(tn, counts.TrueNegatives + counts.FalsePositives, agree));
    }

    private static double Ratio(double numerator, long denominator, bool masksAgree) =>
        denominator == 0 ? (masksAgree ? 1.0 : 0.0) : numerator / denominator;
}
