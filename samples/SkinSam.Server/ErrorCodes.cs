namespace SkinSam.Server;

/// <summary>The stable error codes of the service's problem-details responses (the <c>code</c> member); docs/serving.md lists them.</summary>
internal static class ErrorCodes
{
    public const string ImageUndecodable = "image-undecodable";
    public const string ImageTooLarge = "image-too-large";
    public const string InvalidPrompt = "invalid-prompt";
    public const string InvalidRequest = "invalid-request";
    public const string EmbeddingNotFound = "embedding-not-found";
    public const string ModelError = "model-error";
    public const string Overloaded = "overloaded";
    public const string InternalError = "internal-error";
}
