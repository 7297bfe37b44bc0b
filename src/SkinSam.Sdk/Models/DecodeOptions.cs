namespace SkinSam.Sdk.Models;

/// <summary>How one decode turns the decoder's output into a result.</summary>
public sealed class DecodeOptions
{
    /// <summary>The defaults: the model profile's selection rule, no candidates, no logits.</summary>
    public static DecodeOptions Default { get; } = new();

    /// <summary>
    /// Which candidate becomes <see cref="SegmentationResult.Mask"/>. Default: <see cref="MaskSelection.ModelDefault"/>,
    /// the rule of the model's profile (<see cref="MaskSelection.OfficialOnnx"/> for SAM, <see cref="MaskSelection.PredictorFirstMask"/> for MedSAM).
    /// </summary>
    public MaskSelection Selection { get; init; } = MaskSelection.ModelDefault;

    /// <summary>When true, <see cref="SegmentationResult.Candidates"/> holds every mask the decoder returned, with its IoU and stability.</summary>
    public bool MultimaskOutput { get; init; }

    /// <summary>
    /// When true, results carry the values the mask was thresholded on, at the original image size: logits under the SAM
    /// profile, sigmoid probabilities under the MedSAM profile (see <see cref="SegmentationResult.Logits"/>).
    /// </summary>
    public bool ReturnLogits { get; init; }

    /// <summary>Fill holes in the chosen mask (background regions not connected to the image border).</summary>
    public bool FillHoles { get; init; }

    /// <summary>Keep only the largest 8-connected component of the chosen mask.</summary>
    public bool LargestComponentOnly { get; init; }

    /// <summary>Offset around the threshold for the stability score, in logits (SAM uses 1.0; under the MedSAM profile it applies through the sigmoid).</summary>
    public float StabilityOffset { get; init; } = 1f;

    /// <summary>
    /// SAM 2.1 models only: fill background regions (8-connected, logit &lt;= threshold) of at most this many pixels of
    /// the 256 x 256 low-resolution logits before the resize, as <c>SAM2ImagePredictor(max_hole_area=...)</c> does.
    /// 0 (SAM 2's default) switches it off; SAM v1 models refuse a value above 0.
    /// </summary>
    public int MaxHoleArea { get; init; }

    /// <summary>
    /// SAM 2.1 models only: remove foreground regions (8-connected, logit &gt; threshold) of at most this many pixels of
    /// the 256 x 256 low-resolution logits before the resize, as <c>SAM2ImagePredictor(max_sprinkle_area=...)</c> does.
    /// 0 (SAM 2's default) switches it off; SAM v1 models refuse a value above 0.
    /// </summary>
    public int MaxSprinkleArea { get; init; }
}
