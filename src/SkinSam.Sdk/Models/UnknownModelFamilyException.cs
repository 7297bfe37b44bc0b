namespace SkinSam.Sdk.Models;

/// <summary>
/// A model folder's <c>model.json</c> names a <c>family</c> the SDK has no model class for; the message lists the
/// families it knows (<see cref="SegmentationModels.Families"/>).
/// </summary>
public sealed class UnknownModelFamilyException : ModelLoadException
{
    /// <summary>Creates the exception.</summary>
    public UnknownModelFamilyException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The family asked for and the families known.</param>
    public UnknownModelFamilyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The family asked for and the families known.</param>
    /// <param name="innerException">The underlying failure.</param>
    public UnknownModelFamilyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
