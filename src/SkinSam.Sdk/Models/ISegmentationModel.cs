using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Models;

/// <summary>
/// A promptable segmentation model: encode an image once, decode any number of prompts against the embedding.
/// Implementations are safe to use from many threads at once.
/// </summary>
public interface ISegmentationModel : IDisposable
{
    /// <summary>What the model is and where it runs.</summary>
    ModelInfo Info { get; }

    /// <summary>Runs the image encoder.</summary>
    /// <param name="image">The image; its buffer is read during the call only.</param>
    /// <param name="cancellationToken">Stops a running encoder.</param>
    /// <returns>The embedding, reusable for any number of decodes.</returns>
    ImageEmbedding Encode(ImageBuffer image, CancellationToken cancellationToken = default);

    /// <summary>Runs the image encoder on the thread pool.</summary>
    /// <param name="image">The image; the caller keeps its buffer unchanged until the task completes.</param>
    /// <param name="cancellationToken">Stops a running encoder.</param>
    /// <returns>The embedding.</returns>
    Task<ImageEmbedding> EncodeAsync(ImageBuffer image, CancellationToken cancellationToken = default);

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
    IReadOnlyList<SegmentationResult> DecodeBatch(ImageEmbedding embedding, IReadOnlyList<SegmentationPrompt> prompts, DecodeOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Decodes one prompt on the thread pool.</summary>
    /// <param name="embedding">From <see cref="Encode"/> of this model.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="options">Null for defaults.</param>
    /// <param name="cancellationToken">Stops a running decoder.</param>
    /// <returns>The result.</returns>
    Task<SegmentationResult> DecodeAsync(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Encodes and decodes in one call.</summary>
    /// <param name="image">The image.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="options">Null for defaults.</param>
    /// <param name="cancellationToken">Stops the running model.</param>
    /// <returns>The result.</returns>
    SegmentationResult Segment(ImageBuffer image, SegmentationPrompt prompt, DecodeOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Encodes and decodes in one call on the thread pool.</summary>
    /// <param name="image">The image; the caller keeps its buffer unchanged until the task completes.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="options">Null for defaults.</param>
    /// <param name="cancellationToken">Stops the running model.</param>
    /// <returns>The result.</returns>
    Task<SegmentationResult> SegmentAsync(ImageBuffer image, SegmentationPrompt prompt, DecodeOptions? options = null, CancellationToken cancellationToken = default);
}
