using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Models;

/// <summary>
/// What <see cref="ISegmentationModel.DecodeInto"/> tells about the mask it wrote into <see cref="DecodeBuffers"/>:
/// the fields of <see cref="SegmentationResult"/> that are not buffers, as a value (no allocation).
/// </summary>
/// <param name="MaskIndex">Index of the chosen candidate among the decoder's K.</param>
/// <param name="PredictedIou">The decoder's predicted IoU of the chosen candidate.</param>
/// <param name="StabilityScore">SAM's stability score of the chosen candidate (before hole filling or component filtering).</param>
/// <param name="Selection">The selection rule that chose it (<see cref="MaskSelection.ModelDefault"/> resolved).</param>
/// <param name="Area">Foreground pixels of the mask written.</param>
/// <param name="BoundingBox">The tightest rectangle around them, or <see cref="PixelRect.Empty"/>.</param>
/// <param name="Elapsed">Wall time of the call.</param>
public readonly record struct DecodeSummary(int MaskIndex, float PredictedIou, float StabilityScore, MaskSelection Selection, int Area, PixelRect BoundingBox, TimeSpan Elapsed);
