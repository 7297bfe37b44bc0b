namespace SkinSam.Sdk.Evaluation.Prompts;

/// <summary>How a box prompt is derived from the pixels <c>minX..maxX</c>, <c>minY..maxY</c> of the ground truth.</summary>
public enum BoxConvention
{
    /// <summary>
    /// The SDK's convention, the default: box edges lie between pixels, so the tight box is
    /// <c>[minX, minY, maxX + 1, maxY + 1]</c> and covers every lesion pixel entirely (names <c>box</c>, <c>box-jitter</c>).
    /// </summary>
    PixelEdges,

    /// <summary>
    /// SAM's and MedSAM's convention: the box corners are the extreme pixels' indices, <c>[minX, minY, maxX, maxY]</c>,
    /// one pixel smaller on the right and bottom (names <c>box-sam</c>, <c>box-jitter-sam</c>).
    /// </summary>
    PixelIndices,
}
