using System.Text.Json.Serialization;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>
/// A sample an evaluation with <see cref="EvaluationOptions.SkipInvalid"/> could not use (a missing or wrong-size mask,
/// an undecodable image, an empty ground truth), one line of <c>skipped.jsonl</c>, listed in the report with its reason.
/// </summary>
public sealed record SkippedSample
{
    /// <summary>The image id.</summary>
    [JsonPropertyName("image_id")]
    public required string ImageId { get; init; }

    /// <summary>What is wrong, a <see cref="Datasets.DatasetProblem"/> name such as <c>MissingMask</c> or <c>SizeMismatch</c>.</summary>
    [JsonPropertyName("problem")]
    public required string Problem { get; init; }

    /// <summary>The message: the file concerned, what was expected and what came.</summary>
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    /// <summary>The image file.</summary>
    [JsonPropertyName("image_path")]
    public string? ImagePath { get; init; }

    /// <summary>The ground-truth mask file.</summary>
    [JsonPropertyName("mask_path")]
    public string? MaskPath { get; init; }
}
