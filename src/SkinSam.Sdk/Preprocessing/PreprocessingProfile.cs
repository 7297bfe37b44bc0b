namespace SkinSam.Sdk.Preprocessing;

/// <summary>
/// How a model's weights expect to be used: how an image becomes the encoder's input tensor, and with it
/// the prompt mapping, the mask postprocessing and the default mask selection that belong to that recipe.
/// A property of the model: the model manifest names it <c>"sam"</c> or <c>"medsam"</c>.
/// </summary>
public enum PreprocessingProfile
{
    /// <summary>
    /// Official SAM: resize the long side to 1024 with Pillow's bilinear filter (aspect ratio kept),
    /// normalise each channel with ImageNet mean and standard deviation on the 0..255 scale, pad with zeros
    /// at the bottom and right; masks are SAM's logits (256 to 1024, crop, to the original size) above the
    /// threshold; default selection <see cref="Models.MaskSelection.OfficialOnnx"/>. Manifest name <c>"sam"</c>.
    /// See <see cref="SamPreprocessor"/>.
    /// </summary>
    Sam,

    /// <summary>
    /// MedSAM-style fine-tunes: stretch to 1024 x 1024 with a cubic spline (aspect ratio not kept), truncate
    /// to uint8, then scale the image by its own minimum and maximum to 0..1; box in the 1024 frame; masks are
    /// the sigmoid of the 256 x 256 logits resized once to the original size, above 0.5
    /// (<see cref="Postprocessing.MaskProbabilityUpsampler"/>); default selection mask 0
    /// (<see cref="Models.MaskSelection.PredictorFirstMask"/>). Manifest name <c>"medsam"</c>.
    /// See <see cref="MedSamPreprocessor"/>.
    /// </summary>
    MedSam,

    /// <summary>
    /// SAM 2.1 (image mode, <c>SAM2ImagePredictor</c>): pixels / 255, stretched to 1024 x 1024 with PyTorch's
    /// antialiased bilinear resize (aspect ratio not kept, no padding), ImageNet mean/std on the 0..1 scale; prompts
    /// scaled by 1024 / W and 1024 / H; masks are the 256 x 256 logits resized once to the original size, above the
    /// threshold; default selection <see cref="Models.MaskSelection.DynamicMultimaskViaStability"/>. Manifest name
    /// <c>"sam2"</c>, only with <c>"family": "sam2"</c>. See <see cref="Sam2Preprocessor"/>.
    /// </summary>
    Sam2,
}
