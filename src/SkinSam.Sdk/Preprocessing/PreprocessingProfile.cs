namespace SkinSam.Sdk.Preprocessing;

/// <summary>
/// How an image becomes the encoder's input tensor. A property of the model: the model manifest names it
/// <c>"sam"</c> or <c>"medsam"</c>.
/// </summary>
public enum PreprocessingProfile
{
    /// <summary>
    /// Official SAM: resize the long side to 1024 with Pillow's bilinear filter (aspect ratio kept),
    /// normalise each channel with ImageNet mean and standard deviation on the 0..255 scale, pad with zeros
    /// at the bottom and right. Manifest name <c>"sam"</c>. See <see cref="SamPreprocessor"/>.
    /// </summary>
    Sam,

    /// <summary>
    /// MedSAM-style fine-tunes: stretch to 1024 x 1024 with a cubic spline (aspect ratio not kept), truncate
    /// to uint8, then scale the image by its own minimum and maximum to 0..1. Manifest name <c>"medsam"</c>.
    /// See <see cref="MedSamPreprocessor"/>.
    /// </summary>
    MedSam,
}
