namespace SkinSam.Sdk.ImageSharp;

/// <summary>
/// An output path names something other than a regular file (a device, named pipe, socket, directory or symbolic
/// link), or no file at all: the SDK writes only regular files and refuses rather than replace such an entry.
/// </summary>
public sealed class OutputPathException : SkinSamException
{
    /// <summary>Creates the exception.</summary>
    public OutputPathException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was expected and what came.</param>
    public OutputPathException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What was expected and what came.</param>
    /// <param name="innerException">The underlying failure.</param>
    public OutputPathException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
