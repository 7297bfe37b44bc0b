namespace SkinSam.Sdk.ExecutionProviders;

/// <summary>One entry of the provider preference list as it was tried when a model loaded.</summary>
/// <param name="Provider">The provider's display name, e.g. <c>cuda:0</c>.</param>
/// <param name="Succeeded">True for the provider that runs the model.</param>
/// <param name="Reason">Why the provider was skipped; null when it succeeded.</param>
public sealed record ProviderAttempt(string Provider, bool Succeeded, string? Reason);
