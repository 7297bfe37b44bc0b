using System.Runtime.InteropServices;
using System.Text.Json;

namespace SkinSam.Sdk.Tests.Postprocessing;

/// <summary>Reads the goldens written by tools/goldens/make_postprocessing_goldens.py.</summary>
internal static class PostprocessingTestData
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "TestData", "postprocessing");

    public static float[] ReadFloats(string name)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Folder, name));
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    public static byte[] ReadBytes(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    public static JsonElement ReadJson(string name)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name)));
        return doc.RootElement.Clone();
    }

    public static float[] LowResolutionLogits() => ReadFloats("lowres_logits.bin");
}
