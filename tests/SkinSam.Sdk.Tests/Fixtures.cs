using System.Text.Json;
using SkinSam.Sdk.Imaging;

namespace SkinSam.Sdk.Tests;

/// <summary>Paths of the committed tiny ONNX fixtures (models/test-fixtures, copied next to the test assembly) and their PyTorch goldens.</summary>
internal static class Fixtures
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static string Model(string name) => Path.Combine(Root, name);

    public static string Broken(string name) => Path.Combine(Root, "broken", name);

    public static JsonElement Goldens { get; } = LoadGoldens();

    public static IEnumerable<JsonElement> Images => Goldens.GetProperty("images").EnumerateArray();

    public static JsonElement Image(string id) => Images.Single(i => i.GetProperty("id").GetString() == id);

    public static ImageBuffer LoadRgb(JsonElement image)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Root, "expected", image.GetProperty("rgbFile").GetString()!));
        return ImageBuffer.FromRgb24(bytes, image.GetProperty("width").GetInt32(), image.GetProperty("height").GetInt32());
    }

    private static JsonElement LoadGoldens()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "expected", "goldens.json")));
        return doc.RootElement.Clone();
    }
}
