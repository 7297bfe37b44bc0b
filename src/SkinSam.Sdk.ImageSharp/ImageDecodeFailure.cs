namespace SkinSam.Sdk.ImageSharp;

/// <summary>Why an <see cref="ImageDecodeException"/> was thrown: lets a service tell "too large" (HTTP 413) from "corrupt" (HTTP 400) without reading the message.</summary>
public enum ImageDecodeFailure
{
    /// <summary>The data is not a supported image, or is truncated or corrupt.</summary>
    Undecodable = 0,

    /// <summary>The data is over a limit of <see cref="ImageLoadOptions"/>: more bytes than <see cref="ImageLoadOptions.MaxBytes"/>, more pixels than <see cref="ImageLoadOptions.MaxPixels"/>, or a side over the buffer's maximum.</summary>
    OverLimit = 1,
}
