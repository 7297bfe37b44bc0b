namespace SkinSam.Sdk.Metrics;

/// <summary>Foreground pixels of the prediction, of the ground truth, and of both.</summary>
/// <param name="Predicted">Foreground pixels of the prediction.</param>
/// <param name="GroundTruth">Foreground pixels of the ground truth.</param>
/// <param name="Both">Pixels that are foreground in both.</param>
internal readonly record struct ForegroundTally(long Predicted, long GroundTruth, long Both);
