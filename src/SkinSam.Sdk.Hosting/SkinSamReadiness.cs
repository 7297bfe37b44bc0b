namespace SkinSam.Sdk.Hosting;

/// <summary>Whether the model has loaded and warmed up; a readiness probe answers from it. Registered as a singleton by <c>AddSkinSam(configuration)</c>.</summary>
public sealed class SkinSamReadiness
{
    private volatile string? _failure;
    private volatile bool _ready;

    /// <summary>True once the model has loaded (and warmed up, when enabled).</summary>
    public bool IsReady => _ready;

    /// <summary>Why the model is not ready, when loading or warm-up failed; null otherwise.</summary>
    public string? Failure => _failure;

    /// <summary>Marks the model ready.</summary>
    public void MarkReady() => _ready = true;

    /// <summary>Records why loading failed; the service stays not ready.</summary>
    /// <param name="reason">The failure, e.g. the exception's message.</param>
    public void MarkFailed(string reason) => _failure = reason;
}
