using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Models;

/// <summary>
/// A model's low-level decode path, for callers that decide per candidate whether it is worth its original-size
/// mask (the automatic mask generator filters on predicted IoU first): a decode hands out every candidate's
/// predicted IoU and 256 x 256 low-resolution logits without building any mask, and
/// <see cref="ThresholdCandidate"/> brings one candidate to the original size into a caller-owned buffer.
/// A model without it keeps <see cref="ISegmentationModel.DecodeBatch"/>.
/// </summary>
internal interface ILowResDecoder
{
    /// <summary>
    /// Decodes <paramref name="prompts"/> with every candidate (multimask output), in as few decoder runs as the
    /// model allows, and calls <paramref name="handler"/> once per prompt, in the prompts' order.
    /// </summary>
    /// <param name="embedding">From <see cref="ISegmentationModel.Encode"/> of this model.</param>
    /// <param name="prompts">The prompts.</param>
    /// <param name="options">Checked as <see cref="ISegmentationModel.Decode"/> checks them; the stability offset is <see cref="ThresholdCandidate"/>'s.</param>
    /// <param name="handler">Receives each prompt's candidates; the spans are valid during the call only.</param>
    /// <param name="cancellationToken">Stops the remaining decoder runs.</param>
    void DecodeLowRes(ImageEmbedding embedding, IReadOnlyList<SegmentationPrompt> prompts, DecodeOptions options, LowResCandidatesHandler handler, CancellationToken cancellationToken);

    /// <summary>
    /// Thresholds one candidate's low-resolution logits at the embedding's original size, exactly as the candidate's
    /// <see cref="MaskCandidate.Mask"/> and <see cref="MaskCandidate.StabilityScore"/> of a multimask
    /// <see cref="ISegmentationModel.Decode"/> are made, streaming (no original-size float plane).
    /// </summary>
    /// <param name="lowResLogits">The candidate's 65,536 logits, as handed to a <see cref="LowResCandidatesHandler"/>.</param>
    /// <param name="frame">The embedding's frame.</param>
    /// <param name="options">The same options as the decode's.</param>
    /// <param name="mask"><c>OriginalWidth * OriginalHeight</c> bytes, every one written (0 or 1).</param>
    /// <returns>The stability score's counts: values above the low and above the high threshold.</returns>
    /// <exception cref="ModelOutputException">A value at the original size is NaN or infinite.</exception>
    (int AboveLow, int AboveHigh) ThresholdCandidate(ReadOnlySpan<float> lowResLogits, ImageFrame frame, DecodeOptions options, Span<byte> mask);
}

/// <summary>One prompt's candidates from <see cref="ILowResDecoder.DecodeLowRes"/>.</summary>
/// <param name="prompt">The prompt's index in the decoded list.</param>
/// <param name="predictedIou">K predicted IoUs, one per candidate, finite.</param>
/// <param name="lowResLogits">K x 65,536 low-resolution logits, candidate after candidate, finite.</param>
internal delegate void LowResCandidatesHandler(int prompt, ReadOnlySpan<float> predictedIou, ReadOnlySpan<float> lowResLogits);
