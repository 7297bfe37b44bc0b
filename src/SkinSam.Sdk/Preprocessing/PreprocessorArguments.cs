using SkinSam.Sdk.Imaging;

namespace SkinSam.Sdk.Preprocessing;

/// <summary>The argument checks every encoder-input preprocessor (SAM, SAM 2.1, MedSAM) makes, with one wording.</summary>
internal static class PreprocessorArguments
{
    /// <summary>Checks a square encoder input side.</summary>
    /// <param name="targetSize">Side in pixels, 1 to <see cref="ImageBuffer.MaxDimension"/>.</param>
    /// <returns><paramref name="targetSize"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetSize"/> is out of range.</exception>
    public static int TargetSize(int targetSize)
    {
        if (targetSize < 1 || targetSize > ImageBuffer.MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(targetSize), targetSize, $"Expected a target size of 1 to {ImageBuffer.MaxDimension} pixels; got {targetSize}.");
        }

        return targetSize;
    }

    /// <summary>Throws for the default (empty) image.</summary>
    /// <param name="image">The image to preprocess.</param>
    /// <exception cref="ArgumentException">The image is empty.</exception>
    public static void ThrowIfEmpty(ImageBuffer image)
    {
        if (image.IsEmpty)
        {
            throw new ArgumentException("Expected an image of at least 1 x 1 pixels; got an empty ImageBuffer (default value).", nameof(image));
        }
    }

    /// <summary>Checks that an NCHW destination holds exactly 1 x 3 x side x side floats.</summary>
    /// <param name="side">The encoder input side.</param>
    /// <param name="destination">The caller's tensor.</param>
    /// <exception cref="ArgumentException">The destination has the wrong length.</exception>
    public static void CheckNchwDestination(int side, Span<float> destination)
    {
        int plane = side * side;
        if (destination.Length != 3 * plane)
        {
            throw new ArgumentException($"Expected a destination of 1 x 3 x {side} x {side} = {3 * plane} floats; got {destination.Length}.", nameof(destination));
        }
    }
}
