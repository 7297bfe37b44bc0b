namespace SkinSam.Sdk;

/// <summary>The base of every exception the SDK raises for a failure that is not a plain argument error.</summary>
public class SkinSamException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SkinSamException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was expected and what came.</param>
    public SkinSamException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What was expected and what came.</param>
    /// <param name="innerException">The underlying failure.</param>
    public SkinSamException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A model folder, manifest or ONNX file could not be loaded.</summary>
public class ModelLoadException : SkinSamException
{
    /// <summary>Creates the exception.</summary>
    public ModelLoadException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was expected and what came.</param>
    public ModelLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What was expected and what came.</param>
    /// <param name="innerException">The underlying failure.</param>
    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An ONNX file's inputs or outputs do not match the SAM contract the manifest or the SDK expects.</summary>
public sealed class ModelContractException : ModelLoadException
{
    /// <summary>Creates the exception.</summary>
    public ModelContractException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The expected and the actual names, shapes and types.</param>
    public ModelContractException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The expected and the actual names, shapes and types.</param>
    /// <param name="innerException">The underlying failure.</param>
    public ModelContractException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>No execution provider of the preference list could be used and CPU fallback was switched off.</summary>
public sealed class ExecutionProviderException : SkinSamException
{
    /// <summary>Creates the exception.</summary>
    public ExecutionProviderException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Each provider tried and why it could not be used.</param>
    public ExecutionProviderException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">Each provider tried and why it could not be used.</param>
    /// <param name="innerException">The underlying failure.</param>
    public ExecutionProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A model returned something the SAM contract rules out: NaN or infinite values, or an unexpected shape.</summary>
public sealed class ModelOutputException : SkinSamException
{
    /// <summary>Creates the exception.</summary>
    public ModelOutputException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was expected and what came.</param>
    public ModelOutputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What was expected and what came.</param>
    /// <param name="innerException">The underlying failure.</param>
    public ModelOutputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
