namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>A data set on disk is not what its layout promises: a missing mask, a mask of the wrong size, a non-binary mask, bad metadata.</summary>
public sealed class DatasetException : SkinSamException
{
    /// <summary>Creates the exception.</summary>
    public DatasetException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was expected and what came.</param>
    public DatasetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What was expected and what came.</param>
    /// <param name="innerException">The underlying failure.</param>
    public DatasetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a problem with one file.</summary>
    /// <param name="problem">What is wrong.</param>
    /// <param name="filePath">The file (or folder) concerned.</param>
    /// <param name="message">What was expected and what came; the file is prefixed.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public DatasetException(DatasetProblem problem, string filePath, string message, Exception? innerException = null)
        : base($"{filePath}: {message}", innerException!)
    {
        Problem = problem;
        FilePath = filePath;
    }

    /// <summary>What is wrong.</summary>
    public DatasetProblem Problem { get; }

    /// <summary>The file or folder concerned, or null.</summary>
    public string? FilePath { get; }
}
