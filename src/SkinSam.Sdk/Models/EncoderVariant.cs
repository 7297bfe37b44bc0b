namespace SkinSam.Sdk.Models;

/// <summary>The two common ONNX exports of SAM's image encoder.</summary>
public enum EncoderVariant
{
    /// <summary>Input <c>image</c> float32 [1, 3, 1024, 1024]: resized, normalised and zero-padded by the SDK. Manifest name <c>image-nchw</c>.</summary>
    ImageNchw,

    /// <summary>Input <c>input_image</c> float32 [H', W', 3]: RGB 0..255 resized to long side 1024 by the SDK; normalisation and padding happen in the graph. Manifest name <c>input-image-hwc</c>.</summary>
    InputImageHwc,
}
