using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Models;

/// <summary>
/// A promptable segmentation model: encode an image once, decode any number of prompts against the embedding.
/// Implementations are safe to use from many threads at once.
/// </summary>
/// <remarks>
/// The interface holds only what differs per model: <see cref="Info"/>, <see cref="Encode"/>, <see cref="Decode"/>
/// and <see cref="DecodeBatch"/> (whose default runs <see cref="Decode"/> once per prompt; a model with a
/// prompt-batch decoder replaces it). The one-call <see cref="SegmentationModelExtensions.Segment"/> is written once
/// for every model in <see cref="SegmentationModelExtensions"/>. Calls are synchronous and CPU- or device-bound;
/// an application that must not block its thread offloads them, e.g.
/// <c>await Task.Run(() =&gt; model.Encode(image, token), token)</c>, and cancels through the token, which reaches the
/// running session.
/// </remarks>
public interface ISegmentationModel : IDisposable
{
    /// <summary>What the model is and where it runs.</summary>
    ModelInfo Info { get; }

    /// <summary>Runs the image encoder.</summary>
    /// <param name="image">The image; its buffer is read during the call only.</param>
    /// <param name="cancellationToken">Stops a running encoder.</param>
    /// <returns>The embedding, reusable for any number of decodes.</returns>
    ImageEmbedding Encode(ImageBuffer image, CancellationToken cancellationToken = default);

    /// <summary>Decodes one prompt against an embedding.</summary>
    /// <param name="embedding">From <see cref="Encode"/> of this model.</param>
    /// <param name="prompt">Points, a box, both, a previous mask, or none (models that support it).</param>
    /// <param name="options">Selection rule, candidates, logits; null for defaults.</param>
    /// <param name="cancellationToken">Stops a running decoder.</param>
    /// <returns>The mask at the original size and its scores.</returns>
    SegmentationResult Decode(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Decodes several prompts (e.g. several boxes of one image) against one embedding.</summary>
    /// <param name="embedding">From <see cref="Encode"/> of this model.</param>
    /// <param name="prompts">The prompts; results come in the same order.</param>
    /// <param name="options">Selection rule, candidates, logits; null for defaults.</param>
    /// <param name="cancellationToken">Stops the remaining decodes.</param>
    /// <returns>One result per prompt.</returns>
    IReadOnlyList<SegmentationResult> DecodeBatch(ImageEmbedding embedding, IReadOnlyList<SegmentationPrompt> prompts, DecodeOptions? options = null, CancellationToken cancellationToken = default) =>
        SegmentationModelExtensions.DecodeEach(this, embedding, prompts, options, cancellationToken);

    /// <summary>
    /// Decodes one prompt into caller-owned <paramref name="buffers"/> instead of a new <see cref="SegmentationResult"/>:
    /// the chosen mask goes to <see cref="DecodeBuffers.Mask"/>, its low-resolution logits to
    /// <see cref="DecodeBuffers.LowResLogits"/>, the scores come back as a value. A model that supports it
    /// (<see cref="Onnx.SamOnnxModel"/>) allocates almost nothing per call in steady state (under 1 KB: ONNX
    /// Runtime's own bookkeeping), so decoding many prompts creates no garbage; this default implementation
    /// calls <see cref="Decode"/> and copies.
    /// </summary>
    /// <param name="embedding">From <see cref="Encode"/> of this model.</param>
    /// <param name="prompt">Points, box and/or previous low-res mask.</param>
    /// <param name="buffers">Buffers of the embedding's original size; one call at a time per instance.</param>
    /// <param name="options">Selection rule, stability offset, hole filling (which allocates); null for defaults.
    /// <see cref="DecodeOptions.MultimaskOutput"/> and <see cref="DecodeOptions.ReturnLogits"/> must be off (use <see cref="Decode"/> for those).</param>
    /// <param name="cancellationToken">Stops a running decoder.</param>
    /// <returns>The chosen candidate's index and scores, and the mask's area and bounding box.</returns>
    /// <exception cref="ArgumentException">The buffers' size is not the embedding's original size, or the options ask for candidates or logits.</exception>
    DecodeSummary DecodeInto(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeBuffers buffers, DecodeOptions? options = null, CancellationToken cancellationToken = default) =>
        SegmentationModelExtensions.DecodeIntoByCopy(this, embedding, prompt, buffers, options, cancellationToken);
}
