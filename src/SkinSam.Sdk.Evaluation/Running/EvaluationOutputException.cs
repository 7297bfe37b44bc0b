namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>An evaluation's output folder cannot be used: a corrupt records file, or a resume or merge of runs with different settings.</summary>
public sealed class EvaluationOutputException : SkinSamException
{
    /// <summary>Creates the exception.</summary>
    public EvaluationOutputException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was expected and what came.</param>
    public EvaluationOutputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What was expected and what came.</param>
    /// <param name="innerException">The underlying failure.</param>
    public EvaluationOutputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
