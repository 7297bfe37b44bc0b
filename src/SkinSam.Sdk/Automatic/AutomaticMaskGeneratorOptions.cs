namespace SkinSam.Sdk.Automatic;

/// <summary>
/// The parameters of <see cref="AutomaticMaskGenerator"/>, with the defaults of segment_anything's
/// <c>SamAutomaticMaskGenerator</c> (same names in PascalCase). Validated once, every error in one exception.
/// </summary>
public sealed class AutomaticMaskGeneratorOptions
{
    /// <summary>The defaults.</summary>
    public static AutomaticMaskGeneratorOptions Default { get; } = new();

    /// <summary>Points along one side of the grid sampled per crop (<c>points_per_side</c>); 32.</summary>
    public int PointsPerSide { get; init; } = 32;

    /// <summary>Points decoded per <c>DecodeBatch</c> call (<c>points_per_batch</c>); 64. Bounds the memory of one step.</summary>
    public int PointsPerBatch { get; init; } = 64;

    /// <summary>Keep masks whose predicted IoU is above this (<c>pred_iou_thresh</c>); 0.88. 0 keeps all.</summary>
    public double PredIouThresh { get; init; } = 0.88;

    /// <summary>Keep masks whose stability score is at least this (<c>stability_score_thresh</c>); 0.95. 0 keeps all.</summary>
    public double StabilityScoreThresh { get; init; } = 0.95;

    /// <summary>How far the logit threshold moves for the stability score (<c>stability_score_offset</c>); 1.0.</summary>
    public double StabilityScoreOffset { get; init; } = 1.0;

    /// <summary>Box IoU above which non-maximum suppression drops the lower-scored mask within a crop (<c>box_nms_thresh</c>); 0.7.</summary>
    public double BoxNmsThresh { get; init; } = 0.7;

    /// <summary>Layers of crops beyond the whole image; layer i has 2^i x 2^i crops (<c>crop_n_layers</c>); 0.</summary>
    public int CropNLayers { get; init; }

    /// <summary>Box IoU above which NMS across crops drops the mask of the larger crop (<c>crop_nms_thresh</c>); 0.7.</summary>
    public double CropNmsThresh { get; init; } = 0.7;

    /// <summary>Overlap of neighbouring crops as a fraction of the image's short side at the first layer (<c>crop_overlap_ratio</c>); 512 / 1500.</summary>
    public double CropOverlapRatio { get; init; } = 512.0 / 1500.0;

    /// <summary>The grid of layer i has <c>PointsPerSide / factor^i</c> points per side (<c>crop_n_points_downscale_factor</c>); 1.</summary>
    public int CropNPointsDownscaleFactor { get; init; } = 1;

    /// <summary>
    /// When above 0, background holes and foreground islands smaller than this many pixels are removed from every mask
    /// and NMS runs again (<c>min_mask_region_area</c>); 0.
    /// </summary>
    public int MinMaskRegionArea { get; init; }

    /// <summary>Whether results carry a <see cref="Masks.BinaryMask"/> as well as the COCO RLE (<c>output_mode</c>); binary masks by default.</summary>
    public AutomaticMaskOutputMode OutputMode { get; init; } = AutomaticMaskOutputMode.BinaryMask;

    /// <summary>Checks every parameter.</summary>
    /// <exception cref="ArgumentException">One or more parameters are out of range; the message lists each.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        static bool Unit(double v) => double.IsFinite(v) && v >= 0 && v <= 1;
        Check(PointsPerSide is >= 1 and <= 1024, $"{nameof(PointsPerSide)}: expected 1 to 1024; got {PointsPerSide}.");
        Check(PointsPerBatch is >= 1 and <= 4096, $"{nameof(PointsPerBatch)}: expected 1 to 4096; got {PointsPerBatch}.");
        Check(Unit(PredIouThresh), $"{nameof(PredIouThresh)}: expected 0 to 1; got {PredIouThresh}.");
        Check(Unit(StabilityScoreThresh), $"{nameof(StabilityScoreThresh)}: expected 0 to 1; got {StabilityScoreThresh}.");
        Check(double.IsFinite(StabilityScoreOffset) && StabilityScoreOffset >= 0, $"{nameof(StabilityScoreOffset)}: expected a finite value of at least 0; got {StabilityScoreOffset}.");
        Check(Unit(BoxNmsThresh), $"{nameof(BoxNmsThresh)}: expected 0 to 1; got {BoxNmsThresh}.");
        Check(CropNLayers is >= 0 and <= 4, $"{nameof(CropNLayers)}: expected 0 to 4; got {CropNLayers}.");
        Check(Unit(CropNmsThresh), $"{nameof(CropNmsThresh)}: expected 0 to 1; got {CropNmsThresh}.");
        Check(double.IsFinite(CropOverlapRatio) && CropOverlapRatio >= 0 && CropOverlapRatio < 1, $"{nameof(CropOverlapRatio)}: expected at least 0 and below 1; got {CropOverlapRatio}.");
        Check(CropNPointsDownscaleFactor is >= 1 and <= 64, $"{nameof(CropNPointsDownscaleFactor)}: expected 1 to 64; got {CropNPointsDownscaleFactor}.");
        Check(MinMaskRegionArea >= 0, $"{nameof(MinMaskRegionArea)}: expected at least 0; got {MinMaskRegionArea}.");
        Check(Enum.IsDefined(OutputMode), $"{nameof(OutputMode)}: expected a defined {nameof(AutomaticMaskOutputMode)}; got {(int)OutputMode}.");
        if (CropNLayers > 0 && PointsPerSide / Math.Pow(CropNPointsDownscaleFactor, CropNLayers) < 1)
        {
            errors.Add($"{nameof(CropNPointsDownscaleFactor)}: expected at least one point per side on layer {CropNLayers}; got {PointsPerSide} / {CropNPointsDownscaleFactor}^{CropNLayers} < 1.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid {nameof(AutomaticMaskGeneratorOptions)}: {string.Join(" ", errors)}");
        }
    }
}
