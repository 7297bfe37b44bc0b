using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace SkinSam.Sdk.Tests.Preprocessing;

/// <summary>
/// The goldens written by tools/goldens/make_preprocessing_goldens.py (Debian python3-pil, numpy, skimage):
/// TestData/preprocessing/manifest.json and its raw little-endian files.
/// </summary>
internal static class PreprocessingGoldens
{
    private static readonly Lazy<JsonDocument> Manifest = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json"))));

    private static readonly Dictionary<string, byte[]> InputCache = [];

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "TestData", "preprocessing");

    public static JsonElement Root => Manifest.Value.RootElement;

    public static IEnumerable<JsonElement> Cases(string kind) => Root.GetProperty(kind).EnumerateArray();

    public static TheoryData<int> CaseIndices(string kind)
    {
        var data = new TheoryData<int>();
        int n = Root.GetProperty(kind).GetArrayLength();
        for (int i = 0; i < n; i++)
        {
            data.Add(i);
        }

        return data;
    }

    public static JsonElement Case(string kind, int index) => Root.GetProperty(kind)[index];

    /// <summary>The input image by name: a stored decoded JPEG or a regenerated synthetic image.</summary>
    public static (byte[] Rgb, int Width, int Height) Input(string name)
    {
        JsonElement entry = Root.GetProperty("inputs").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        int width = entry.GetProperty("width").GetInt32();
        int height = entry.GetProperty("height").GetInt32();
        lock (InputCache)
        {
            if (!InputCache.TryGetValue(name, out byte[]? rgb))
            {
                rgb = entry.TryGetProperty("file", out JsonElement file)
                    ? File.ReadAllBytes(Path.Combine(Folder, file.GetString()!))
                    : SyntheticImage.Create(width, height, entry.GetProperty("synthetic_seed").GetInt32());
                Assert.Equal(entry.GetProperty("sha256").GetString(), Sha256(rgb));
                InputCache[name] = rgb;
            }

            return (rgb, width, height);
        }
    }

    public static byte[] Bytes(string file) => File.ReadAllBytes(Path.Combine(Folder, file));

    public static float[] Floats(string file) => MemoryMarshal.Cast<byte, float>(Bytes(file)).ToArray();

    public static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static string Sha256(ReadOnlySpan<float> data) => Sha256(MemoryMarshal.AsBytes(data));
}
