using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Models;

/// <summary>The answer to one prompt: the chosen mask at the original image size and what the model says of it.</summary>
public sealed record SegmentationResult
{
    /// <summary>The chosen mask at the original image size.</summary>
    public required BinaryMask Mask { get; init; }

    /// <summary>The decoder's output index of the chosen mask.</summary>
    public int MaskIndex { get; init; }

    /// <summary>The decoder's predicted IoU of the chosen mask.</summary>
    public float PredictedIou { get; init; }

    /// <summary>
    /// Stability score of the chosen mask: area(logits &gt; t + 1) / area(logits &gt; t - 1); 0 when no logit is above t - 1 (PyTorch gives NaN there).
    /// Under the MedSAM profile the same in the logit domain of the resized probabilities: area(p &gt; sigmoid(t + 1)) / area(p &gt; sigmoid(t - 1)).
    /// </summary>
    public float StabilityScore { get; init; }

    /// <summary>The rule that chose the mask (<see cref="MaskSelection.ModelDefault"/> resolved to the profile's rule).</summary>
    public MaskSelection Selection { get; init; }

    /// <summary>Foreground pixels of <see cref="Mask"/>.</summary>
    public int Area { get; init; }

    /// <summary>Tightest rectangle around <see cref="Mask"/>, or empty.</summary>
    public PixelRect BoundingBox { get; init; }

    /// <summary>
    /// The values the chosen mask was thresholded on, at the original size, when <see cref="DecodeOptions.ReturnLogits"/> was set:
    /// logits under the SAM profile (mask = value &gt; maskThreshold); under the MedSAM profile the sigmoid probabilities after
    /// MedSAM's one bilinear resize (mask = value &gt; sigmoid(maskThreshold), 0.5).
    /// </summary>
    public float[]? Logits { get; init; }

    /// <summary>Low-resolution (256 x 256) logits of the chosen mask: feed them back as <see cref="Prompts.SegmentationPrompt.MaskInput"/> to refine.</summary>
    public required float[] LowResLogits { get; init; }

    /// <summary>Every mask the decoder returned, when <see cref="DecodeOptions.MultimaskOutput"/> was set; else only the chosen one.</summary>
    public IReadOnlyList<MaskCandidate> Candidates { get; init; } = [];

    /// <summary>Wall time of the decode, post-processing included.</summary>
    public TimeSpan Elapsed { get; init; }
}
