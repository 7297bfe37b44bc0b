namespace SkinSam.Sdk.ImageSharp;

/// <summary>An image file or stream could not be turned into pixels: unreadable, truncated, unsupported, or over the configured limits.</summary>
public sealed class ImageDecodeException : SkinSamException
{
    /// <summary>Creates the exception.</summary>
    public ImageDecodeException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was expected and what came.</param>
    public ImageDecodeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What was expected and what came.</param>
    /// <param name="innerException">The decoder's failure.</param>
    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message and the kind of failure.</summary>
    /// <param name="message">What was expected and what came.</param>
    /// <param name="failure">Why the image was refused, e.g. <see cref="ImageDecodeFailure.OverLimit"/>.</param>
    public ImageDecodeException(string message, ImageDecodeFailure failure)
        : base(message)
    {
        Failure = failure;
    }

    /// <summary>Why the image was refused: <see cref="ImageDecodeFailure.OverLimit"/> for a size limit, else <see cref="ImageDecodeFailure.Undecodable"/>.</summary>
    public ImageDecodeFailure Failure { get; }
}
