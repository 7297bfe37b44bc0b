namespace SkinSam.Sdk.Models;

/// <summary>Which of a decoder's candidate masks a call returns as its answer.</summary>
public enum MaskSelection
{
    /// <summary>
    /// The rule of the official single-mask ONNX export (<c>SamOnnxModel.select_masks</c>): add <c>(N - 2.5) * 1000</c>
    /// to mask 0's predicted IoU, where N counts every row of <c>point_coords</c> (padding point and box corners
    /// included), then take the highest. So a single point or a box alone (N = 2) picks the best of masks 1..3,
    /// and N >= 3 picks mask 0. The default of the SAM profile; a single-mask decoder applies it inside the graph.
    /// </summary>
    OfficialOnnx,

    /// <summary>
    /// PyTorch <c>SamPredictor.predict(multimask_output=False)</c>, and MedSAM's inference (the mask decoder with
    /// <c>multimask_output=False</c>): always mask 0. The default of the MedSAM profile.
    /// </summary>
    PredictorFirstMask,

    /// <summary>The candidate with the highest predicted IoU, over all candidates the decoder returned.</summary>
    HighestPredictedIou,

    /// <summary>
    /// The rule of the model's profile (<see cref="ModelInfo.DefaultSelection"/>): <see cref="OfficialOnnx"/> for
    /// <c>"preprocessing": "sam"</c>, <see cref="PredictorFirstMask"/> for <c>"medsam"</c>. The default of
    /// <see cref="DecodeOptions.Selection"/>; <see cref="SegmentationResult.Selection"/> names the rule it resolved to.
    /// </summary>
    ModelDefault,

    /// <summary>
    /// SAM 2.1's single-mask rule (<c>dynamic_multimask_via_stability</c>, on in <c>build_sam2</c>): token 0 when its
    /// stability, <c>count(logit &gt; 0.05) / count(logit &gt; -0.05)</c> over its 256 x 256 logits (1 when nothing exceeds
    /// -0.05), is at least 0.98; otherwise the token among 1..3 with the highest predicted IoU (the first on ties). The
    /// default of the SAM 2.1 profile (<c>"preprocessing": "sam2"</c>); SAM v1 models refuse it.
    /// </summary>
    DynamicMultimaskViaStability,
}
