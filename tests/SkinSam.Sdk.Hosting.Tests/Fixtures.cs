namespace SkinSam.Sdk.Hosting.Tests;

/// <summary>Paths of the committed tiny ONNX fixtures (models/test-fixtures, copied next to the test assembly).</summary>
internal static class Fixtures
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static string SamTiny { get; } = Path.Combine(Root, "sam-tiny");

    public static string MissingDecoder { get; } = Path.Combine(Root, "broken", "missing-decoder");

    public static string TruncatedEncoder { get; } = Path.Combine(Root, "broken", "encoder-truncated");
}
