namespace SkinSam.Sdk.Models;

/// <summary>
/// The geometry of one image in a model's frame: the original size, the size the image is resized to, the padded
/// square the encoder sees, and the side of the decoder's low-resolution masks. A model's preprocessing profile makes
/// it (SAM: long side to 1024, kept aspect ratio, zero padding; MedSAM: stretched to the whole 1024 x 1024 square);
/// an <see cref="ImageEmbedding"/> carries the frame of the image it encodes.
/// </summary>
/// <remarks>
/// Prompt coordinates map from original pixels into the frame by <see cref="PromptScaleX"/> and <see cref="PromptScaleY"/>
/// (<c>resized / original</c> per axis). How low-resolution logits return to the original size (through the padded
/// frame and a crop, or straight) and what a decoder is fed for the image size stay with the profile that made the
/// frame: they are what differs between profiles for the same geometry.
/// </remarks>
public sealed class ImageFrame : IEquatable<ImageFrame>
{
    /// <summary>The padded encoder frame and the resize target of the SAM v1 and SAM 2 families, in pixels.</summary>
    public const int DefaultPaddedSide = Onnx.SamContract.FrameSize;

    /// <summary>The side of the SAM decoders' low-resolution masks (and mask prompts), in pixels.</summary>
    public const int DefaultLowResolutionSide = Onnx.SamContract.LowResSide;

    /// <summary>Creates a frame, checking every size.</summary>
    /// <param name="originalWidth">Width of the image, 1 to <see cref="Imaging.ImageBuffer.MaxDimension"/>.</param>
    /// <param name="originalHeight">Height of the image, 1 to <see cref="Imaging.ImageBuffer.MaxDimension"/>.</param>
    /// <param name="resizedWidth">Width of the image in the frame, 1 to <see cref="Imaging.ImageBuffer.MaxDimension"/>.</param>
    /// <param name="resizedHeight">Height of the image in the frame.</param>
    /// <param name="paddedSide">Side of the square encoder input the resized image sits in (top-left), at least 1.</param>
    /// <param name="lowResolutionSide">Side of the decoder's low-resolution masks, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size out of range.</exception>
    public ImageFrame(int originalWidth, int originalHeight, int resizedWidth, int resizedHeight, int paddedSide = DefaultPaddedSide, int lowResolutionSide = DefaultLowResolutionSide)
    {
        CheckSize(originalWidth, nameof(originalWidth));
        CheckSize(originalHeight, nameof(originalHeight));
        CheckSize(resizedWidth, nameof(resizedWidth));
        CheckSize(resizedHeight, nameof(resizedHeight));
        CheckSize(paddedSide, nameof(paddedSide));
        CheckSize(lowResolutionSide, nameof(lowResolutionSide));
        OriginalWidth = originalWidth;
        OriginalHeight = originalHeight;
        ResizedWidth = resizedWidth;
        ResizedHeight = resizedHeight;
        PaddedSide = paddedSide;
        LowResolutionSide = lowResolutionSide;
    }

    /// <summary>Width of the original image in pixels.</summary>
    public int OriginalWidth { get; }

    /// <summary>Height of the original image in pixels.</summary>
    public int OriginalHeight { get; }

    /// <summary>Width of the image in the model's frame.</summary>
    public int ResizedWidth { get; }

    /// <summary>Height of the image in the model's frame.</summary>
    public int ResizedHeight { get; }

    /// <summary>Side of the square encoder input; the resized image sits at its top left, the rest is padding.</summary>
    public int PaddedSide { get; }

    /// <summary>Side of the decoder's low-resolution masks.</summary>
    public int LowResolutionSide { get; }

    /// <summary>Factor from original x to frame x: <c>ResizedWidth / OriginalWidth</c>.</summary>
    public double PromptScaleX => ResizedWidth / (double)OriginalWidth;

    /// <summary>Factor from original y to frame y: <c>ResizedHeight / OriginalHeight</c>.</summary>
    public double PromptScaleY => ResizedHeight / (double)OriginalHeight;

    /// <inheritdoc/>
    public bool Equals(ImageFrame? other) =>
        other is not null && OriginalWidth == other.OriginalWidth && OriginalHeight == other.OriginalHeight &&
        ResizedWidth == other.ResizedWidth && ResizedHeight == other.ResizedHeight &&
        PaddedSide == other.PaddedSide && LowResolutionSide == other.LowResolutionSide;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ImageFrame);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(OriginalWidth, OriginalHeight, ResizedWidth, ResizedHeight, PaddedSide, LowResolutionSide);

    /// <summary>The frame as text, e.g. <c>600x450 in 1024x768 of 1024 (low-res 256)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{OriginalWidth}x{OriginalHeight} in {ResizedWidth}x{ResizedHeight} of {PaddedSide} (low-res {LowResolutionSide})";

    private static void CheckSize(int value, string name)
    {
        if (value < 1 || value > Imaging.ImageBuffer.MaxDimension)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Expected {name} of 1 to {Imaging.ImageBuffer.MaxDimension}; got {value}.");
        }
    }
}
