using System.Text.Json.Serialization;
using SkinSam.Sdk.Metrics;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>
/// The result of one image, one line of <c>records.jsonl</c>: its id and lesion type, the prompt, every metric, the
/// confusion counts and the predicted mask (COCO compressed RLE), so reports and overlays can be rebuilt from records alone.
/// </summary>
public sealed record EvaluationRecord
{
    /// <summary>The image id.</summary>
    [JsonPropertyName("image_id")]
    public required string ImageId { get; init; }

    /// <summary>The lesion type, or null.</summary>
    [JsonPropertyName("dx")]
    public string? LesionType { get; init; }

    /// <summary>The image file.</summary>
    [JsonPropertyName("image_path")]
    public string? ImagePath { get; init; }

    /// <summary>The ground-truth mask file.</summary>
    [JsonPropertyName("mask_path")]
    public string? MaskPath { get; init; }

    /// <summary>Image width.</summary>
    [JsonPropertyName("width")]
    public int Width { get; init; }

    /// <summary>Image height.</summary>
    [JsonPropertyName("height")]
    public int Height { get; init; }

    /// <summary>The prompt in original-image pixels.</summary>
    [JsonPropertyName("prompt")]
    public PromptRecord Prompt { get; init; } = new();

    /// <summary>Pixel accuracy.</summary>
    [JsonPropertyName("pixel_accuracy")]
    public double PixelAccuracy { get; init; }

    /// <summary>Dice.</summary>
    [JsonPropertyName("dice")]
    public double Dice { get; init; }

    /// <summary>IoU.</summary>
    [JsonPropertyName("iou")]
    public double IoU { get; init; }

    /// <summary>Precision.</summary>
    [JsonPropertyName("precision")]
    public double Precision { get; init; }

    /// <summary>Sensitivity.</summary>
    [JsonPropertyName("sensitivity")]
    public double Sensitivity { get; init; }

    /// <summary>Specificity.</summary>
    [JsonPropertyName("specificity")]
    public double Specificity { get; init; }

    /// <summary>95th percentile Hausdorff distance in pixels ("Infinity" when one mask is empty).</summary>
    [JsonPropertyName("hd95")]
    public double HausdorffDistance95 { get; init; }

    /// <summary>Average symmetric surface distance in pixels.</summary>
    [JsonPropertyName("assd")]
    public double AverageSymmetricSurfaceDistance { get; init; }

    /// <summary>Hausdorff distance in pixels.</summary>
    [JsonPropertyName("hd")]
    public double HausdorffDistance { get; init; }

    /// <summary>True positive pixels.</summary>
    [JsonPropertyName("tp")]
    public long TruePositives { get; init; }

    /// <summary>False positive pixels.</summary>
    [JsonPropertyName("fp")]
    public long FalsePositives { get; init; }

    /// <summary>False negative pixels.</summary>
    [JsonPropertyName("fn")]
    public long FalseNegatives { get; init; }

    /// <summary>True negative pixels.</summary>
    [JsonPropertyName("tn")]
    public long TrueNegatives { get; init; }

    /// <summary>The model's predicted IoU of its mask.</summary>
    [JsonPropertyName("predicted_iou")]
    public double PredictedIou { get; init; }

    /// <summary>Wall time of the image (reading, model, metrics) in milliseconds.</summary>
    [JsonPropertyName("elapsed_ms")]
    public double ElapsedMilliseconds { get; init; }

    /// <summary>The predicted mask as COCO compressed RLE (column-major, as pycocotools).</summary>
    [JsonPropertyName("mask_rle")]
    public string? MaskRle { get; init; }

    /// <summary>Creates a record from the metrics of an image.</summary>
    /// <param name="imageId">The id.</param>
    /// <param name="lesionType">The lesion type, or null.</param>
    /// <param name="metrics">The metrics.</param>
    /// <returns>The record, other fields at their defaults.</returns>
    public static EvaluationRecord FromMetrics(string imageId, string? lesionType, SegmentationMetrics metrics) => new()
    {
        ImageId = imageId,
        LesionType = lesionType,
        PixelAccuracy = metrics.PixelAccuracy,
        Dice = metrics.Dice,
        IoU = metrics.IoU,
        Precision = metrics.Precision,
        Sensitivity = metrics.Sensitivity,
        Specificity = metrics.Specificity,
        HausdorffDistance95 = metrics.HausdorffDistance95,
        AverageSymmetricSurfaceDistance = metrics.AverageSymmetricSurfaceDistance,
        HausdorffDistance = metrics.HausdorffDistance,
        TruePositives = metrics.Counts.TruePositives,
        FalsePositives = metrics.Counts.FalsePositives,
        FalseNegatives = metrics.Counts.FalseNegatives,
        TrueNegatives = metrics.Counts.TrueNegatives,
    };

    /// <summary>The metrics again: region metrics recomputed from the counts, boundary metrics as recorded.</summary>
    /// <returns>The metrics.</returns>
    public SegmentationMetrics ToMetrics()
    {
        var counts = new ConfusionCounts(TruePositives, FalsePositives, FalseNegatives, TrueNegatives);
        return new SegmentationMetrics(counts, RegionMetrics.FromCounts(counts), new BoundaryMetrics(HausdorffDistance95, AverageSymmetricSurfaceDistance, HausdorffDistance));
    }
}
