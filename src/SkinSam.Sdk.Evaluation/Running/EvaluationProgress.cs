namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>Where a run stands, reported after each image.</summary>
/// <param name="Completed">Images done, those resumed from an earlier run included.</param>
/// <param name="Total">Images of this run (after id filter, shard and limit).</param>
/// <param name="Resumed">Images skipped because <c>records.jsonl</c> already had them.</param>
/// <param name="LastImageId">The image just finished, or null for the first report.</param>
public readonly record struct EvaluationProgress(int Completed, int Total, int Resumed, string? LastImageId);
