namespace SkinSam.Sdk.Reliability.Tests.Adversarial;

/// <summary>
/// One hostile input and the outcome it must have: <paramref name="Expected"/> is the exact exception type, or null
/// when the input is legitimate (if odd) and must be accepted.
/// </summary>
/// <param name="Name">A unique, readable name (the theory's data).</param>
/// <param name="Expected">The exception type the input must end in, or null for success.</param>
/// <param name="Run">Feeds the input to the SDK.</param>
internal sealed record HostileCase(string Name, Type? Expected, Action<HostileContext> Run);
