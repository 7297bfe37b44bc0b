namespace SkinSam.Sdk.Models;

/// <summary>
/// A stream given to <see cref="ImageEmbedding.Load"/> is not an embedding the SDK can read: another kind of file, a
/// newer format version, a truncated or corrupt file (checksum mismatch), or a header outside the format's limits.
/// </summary>
public sealed class ImageEmbeddingFormatException : SkinSamException
{
    /// <summary>Creates the exception.</summary>
    public ImageEmbeddingFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was expected and what came.</param>
    public ImageEmbeddingFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What was expected and what came.</param>
    /// <param name="innerException">The underlying failure.</param>
    public ImageEmbeddingFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
