namespace SkinSam.Sdk.Prompts;

/// <summary>A prompt cannot be used with the image or the model: bad coordinates, an inverted box, a missing prompt.</summary>
public sealed class InvalidPromptException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public InvalidPromptException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was expected and what came.</param>
    public InvalidPromptException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What was expected and what came.</param>
    /// <param name="innerException">The underlying failure.</param>
    public InvalidPromptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
