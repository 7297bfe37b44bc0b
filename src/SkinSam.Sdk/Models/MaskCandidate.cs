using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Models;

/// <summary>One of the masks a decoder returned for a prompt.</summary>
/// <param name="Index">The decoder's output index (0..3 for multimask exports).</param>
/// <param name="Mask">The thresholded mask at the original image size.</param>
/// <param name="PredictedIou">The decoder's IoU prediction.</param>
/// <param name="StabilityScore">area(logits &gt; t + 1) / area(logits &gt; t - 1) (MedSAM profile: on the probabilities, through the sigmoid).</param>
/// <param name="Logits">The values the mask was thresholded on at the original size when asked for (MedSAM profile: probabilities), else null.</param>
/// <param name="LowResLogits">The decoder's 256 x 256 logits of this mask, to feed back as a mask prompt.</param>
public sealed record MaskCandidate(int Index, BinaryMask Mask, float PredictedIou, float StabilityScore, float[]? Logits, float[] LowResLogits);
