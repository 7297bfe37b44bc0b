namespace SkinSam.Sdk.Models;

/// <summary>The ONNX exports of SAM's prompt encoder and mask decoder the SDK runs.</summary>
public enum DecoderVariant
{
    /// <summary>The official <c>SamOnnxModel</c> export returning all four masks at the original size. Manifest name <c>multimask</c>.</summary>
    Multimask,

    /// <summary>The official export with <c>return_single_mask</c>: one mask chosen inside the graph. Manifest name <c>single-mask</c>.</summary>
    SingleMask,

    /// <summary>A decoder that returns only <c>iou_predictions</c> and <c>low_res_masks</c>; the SDK upsamples. Manifest name <c>low-res-only</c>.</summary>
    LowResOnly,
}
