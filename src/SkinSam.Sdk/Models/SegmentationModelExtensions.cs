using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Models;

/// <summary>What every <see cref="ISegmentationModel"/> does the same way, written once: the one-call segment and the per-prompt batch loop.</summary>
public static class SegmentationModelExtensions
{
    /// <summary>Encodes and decodes in one call; the prompt is checked against the image before the encoder runs.</summary>
    /// <param name="model">The model.</param>
    /// <param name="image">The image.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="options">Null for defaults.</param>
    /// <param name="cancellationToken">Stops the running model.</param>
    /// <returns>The result.</returns>
    public static SegmentationResult Segment(this ISegmentationModel model, ImageBuffer image, SegmentationPrompt prompt, DecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompt);
        if (!image.IsEmpty)
        {
            prompt.Validate(image.Width, image.Height);
        }

        using ImageEmbedding embedding = model.Encode(image, cancellationToken);
        return model.Decode(embedding, prompt, options, cancellationToken);
    }

    /// <summary>Decodes several prompts one <see cref="ISegmentationModel.Decode"/> at a time (the default <see cref="ISegmentationModel.DecodeBatch"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="embedding">From the model's encoder.</param>
    /// <param name="prompts">The prompts, none null; results come in the same order.</param>
    /// <param name="options">Null for defaults.</param>
    /// <param name="cancellationToken">Checked between decodes and passed to each.</param>
    /// <returns>One result per prompt.</returns>
    public static IReadOnlyList<SegmentationResult> DecodeEach(this ISegmentationModel model, ImageEmbedding embedding, IReadOnlyList<SegmentationPrompt> prompts, DecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckPrompts(prompts);
        var results = new SegmentationResult[prompts.Count];
        for (int i = 0; i < results.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results[i] = model.Decode(embedding, prompts[i], options, cancellationToken);
        }

        return results;
    }

    /// <summary>The default <see cref="ISegmentationModel.DecodeInto"/>: <see cref="ISegmentationModel.Decode"/>, then copies into the buffers.</summary>
    internal static DecodeSummary DecodeIntoByCopy(ISegmentationModel model, ImageEmbedding embedding, SegmentationPrompt prompt, DecodeBuffers buffers, DecodeOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        CheckDecodeInto(embedding, buffers, options);
        buffers.Enter();
        try
        {
            SegmentationResult result = model.Decode(embedding, prompt, options, cancellationToken);
            result.Mask.Data.CopyTo(buffers.Mask.Data);
            result.LowResLogits.AsSpan().CopyTo(buffers.LowResBuffer);
            return new DecodeSummary(result.MaskIndex, result.PredictedIou, result.StabilityScore, result.Selection, result.Area, result.BoundingBox, result.Elapsed);
        }
        finally
        {
            buffers.Exit();
        }
    }

    /// <summary>The argument checks every <see cref="ISegmentationModel.DecodeInto"/> makes first.</summary>
    internal static void CheckDecodeInto(ImageEmbedding embedding, DecodeBuffers buffers, DecodeOptions? options)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        ObjectDisposedException.ThrowIf(buffers.IsDisposed, buffers);
        if (buffers.Width != embedding.OriginalWidth || buffers.Height != embedding.OriginalHeight)
        {
            throw new ArgumentException(
                $"Expected DecodeBuffers of the embedding's original size {embedding.OriginalWidth}x{embedding.OriginalHeight}; got {buffers.Width}x{buffers.Height}.", nameof(buffers));
        }

        if (options is { MultimaskOutput: true } or { ReturnLogits: true })
        {
            throw new ArgumentException(
                $"Expected DecodeOptions with MultimaskOutput and ReturnLogits off for DecodeInto (it writes the chosen mask only); got MultimaskOutput = {options.MultimaskOutput}, ReturnLogits = {options.ReturnLogits}. Use Decode for candidates and logits.",
                nameof(options));
        }
    }

    internal static void CheckPrompts(IReadOnlyList<SegmentationPrompt> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        for (int i = 0; i < prompts.Count; i++)
        {
            if (prompts[i] is null)
            {
                throw new ArgumentException($"Expected a prompt at index {i}; got null.", nameof(prompts));
            }
        }
    }
}
