using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Benchmarks.Automatic;

/// <summary>
/// A real model seen only through <see cref="ISegmentationModel"/>: the automatic mask generator then takes the path
/// of models without the low-level decode (every candidate's full result from <see cref="ISegmentationModel.DecodeBatch"/>,
/// then the filters), which was its only path before the predicted-IoU filter moved ahead of the upsampling.
/// </summary>
/// <param name="inner">The model; not disposed here.</param>
internal sealed class DecodeBatchOnlyModel(ISegmentationModel inner) : ISegmentationModel
{
    /// <inheritdoc/>
    public ModelInfo Info => inner.Info;

    /// <inheritdoc/>
    public ImageEmbedding Encode(ImageBuffer image, CancellationToken cancellationToken = default) => inner.Encode(image, cancellationToken);

    /// <inheritdoc/>
    public SegmentationResult Decode(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeOptions? options = null, CancellationToken cancellationToken = default) =>
        inner.Decode(embedding, prompt, options, cancellationToken);

    /// <inheritdoc/>
    public IReadOnlyList<SegmentationResult> DecodeBatch(ImageEmbedding embedding, IReadOnlyList<SegmentationPrompt> prompts, DecodeOptions? options = null, CancellationToken cancellationToken = default) =>
        inner.DecodeBatch(embedding, prompts, options, cancellationToken);

    /// <summary>Does nothing: the inner model belongs to the benchmark.</summary>
    public void Dispose()
    {
    }
}
