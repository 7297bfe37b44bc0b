namespace SkinSam.Sdk.Models;

/// <summary>Which of a decoder's candidate masks a call returns as its answer.</summary>
public enum MaskSelection
{
    /// <summary>
    /// The rule of the official single-mask ONNX export (<c>SamOnnxModel.select_masks</c>): add <c>(N - 2.5) * 1000</c>
    /// to mask 0's predicted IoU, where N counts every row of <c>point_coords</c> (padding point and box corners
    /// included), then take the highest. So a single point or a box alone (N = 2) picks the best of masks 1..3,
    /// and N >= 3 picks mask 0. This is the default; a single-mask decoder applies it inside the graph.
    /// </summary>
    OfficialOnnx,

    /// <summary>PyTorch <c>SamPredictor.predict(multimask_output=False)</c>: always mask 0.</summary>
    PredictorFirstMask,

    /// <summary>The candidate with the highest predicted IoU, over all candidates the decoder returned.</summary>
    HighestPredictedIou,
}
