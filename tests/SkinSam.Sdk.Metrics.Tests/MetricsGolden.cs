using System.Globalization;
using System.Text.Json;

namespace SkinSam.Sdk.Metrics.Tests;

/// <summary>One case of TestData/metrics_goldens.json (made by tools/goldens/make_metrics_goldens.py).</summary>
internal sealed record MetricsGolden(
    string Name,
    int Width,
    int Height,
    PixelSpacing Spacing,
    byte[] Predicted,
    byte[] GroundTruth,
    IReadOnlyDictionary<string, double> Expected)
{
    private static readonly Lazy<IReadOnlyList<MetricsGolden>> All = new(Load);

    public static IReadOnlyList<MetricsGolden> Cases => All.Value;

    public static MetricsGolden Named(string name) => Cases.Single(c => c.Name == name);

    private static List<MetricsGolden> Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "TestData", "metrics_goldens.json");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var cases = new List<MetricsGolden>();
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            int width = c.GetProperty("width").GetInt32();
            int height = c.GetProperty("height").GetInt32();
            var expected = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (JsonProperty p in c.GetProperty("expected").EnumerateObject())
            {
                expected[p.Name] = p.Value.ValueKind == JsonValueKind.String
                    ? double.Parse(p.Value.GetString()!, CultureInfo.InvariantCulture)
                    : p.Value.GetDouble();
            }

            cases.Add(new MetricsGolden(
                c.GetProperty("name").GetString()!,
                width,
                height,
                new PixelSpacing(c.GetProperty("spacing_x").GetDouble(), c.GetProperty("spacing_y").GetDouble()),
                Decode(c.GetProperty("predicted"), width * height),
                Decode(c.GetProperty("ground_truth"), width * height),
                expected));
        }

        return cases;
    }

    private static byte[] Decode(JsonElement runs, int length)
    {
        var mask = new byte[length];
        int at = 0;
        using JsonElement.ArrayEnumerator e = runs.EnumerateArray();
        while (e.MoveNext())
        {
            byte value = e.Current.GetByte();
            e.MoveNext();
            int count = e.Current.GetInt32();
            mask.AsSpan(at, count).Fill(value);
            at += count;
        }

        if (at != length)
        {
            throw new InvalidDataException($"Expected runs covering {length} pixels; got {at}.");
        }

        return mask;
    }
}
