namespace SkinSam.Sdk.Models;

/// <summary>How one decode turns the decoder's output into a result.</summary>
public sealed class DecodeOptions
{
    /// <summary>The defaults: official ONNX selection rule, no candidates, no logits.</summary>
    public static DecodeOptions Default { get; } = new();

    /// <summary>Which candidate becomes <see cref="SegmentationResult.Mask"/>. Default: <see cref="MaskSelection.OfficialOnnx"/>.</summary>
    public MaskSelection Selection { get; init; } = MaskSelection.OfficialOnnx;

    /// <summary>When true, <see cref="SegmentationResult.Candidates"/> holds every mask the decoder returned, with its IoU and stability.</summary>
    public bool MultimaskOutput { get; init; }

    /// <summary>When true, results carry the mask logits at the original image size.</summary>
    public bool ReturnLogits { get; init; }

    /// <summary>Fill holes in the chosen mask (background regions not connected to the image border).</summary>
    public bool FillHoles { get; init; }

    /// <summary>Keep only the largest 8-connected component of the chosen mask.</summary>
    public bool LargestComponentOnly { get; init; }

    /// <summary>Offset around the threshold for the stability score (SAM uses 1.0).</summary>
    public float StabilityOffset { get; init; } = 1f;
}
