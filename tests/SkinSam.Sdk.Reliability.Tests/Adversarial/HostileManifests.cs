using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Reliability.Tests.Adversarial;

/// <summary>Hostile model.json texts through <see cref="ModelManifest.Parse"/>, and two through a real model folder.</summary>
internal static class HostileManifests
{
    private const string Valid = """{"schemaVersion": 1, "name": "x", "preprocessing": "sam"}""";
    private static readonly Type Refused = typeof(ModelLoadException);

    public static IEnumerable<HostileCase> All()
    {
        yield return Parse("byte-order mark before a valid manifest", null, "\uFEFF" + Valid);
        yield return Parse("trailing commas (accepted)", null, """{"name": "x", "decoder": {"file": "decoder.onnx",},}""");
        yield return Parse("comments (accepted)", null, "/* model */ {\"name\": \"x\" // the name\n}");
        yield return Parse("empty text", Refused, string.Empty);
        yield return Parse("whitespace only", Refused, " \n\t ");
        yield return Parse("JSON null", Refused, "null");
        yield return Parse("JSON array", Refused, "[{\"name\": \"x\"}]");
        yield return Parse("string root", Refused, "\"model\"");
        yield return Parse("nesting 10,000 deep", Refused, "{\"provenance\": " + new string('[', 10_000) + new string(']', 10_000) + "}");
        yield return Parse("duplicate key", Refused, """{"preprocessing": "sam", "preprocessing": "medsam"}""");
        yield return Parse("misspelt key 'preprocesing'", Refused, """{"preprocesing": "medsam"}""");
        yield return Parse("misspelt nested key 'decoder.varient'", Refused, """{"decoder": {"varient": "single-mask"}}""");
        yield return Parse("key in the wrong case 'InputSize'", Refused, """{"InputSize": 1024}""");
        yield return Parse("inputSize as a string", Refused, """{"inputSize": "1024"}""");
        yield return Parse("inputSize 1e400", Refused, """{"inputSize": 1e400}""");
        yield return Parse("maskThreshold 1e39 (beyond float)", Refused, """{"maskThreshold": 1e39}""");
        yield return Parse("NaN literal", Refused, """{"maskThreshold": NaN}""");
        yield return Parse("Infinity literal", Refused, """{"maskThreshold": Infinity}""");
        yield return Parse("decoder as an array", Refused, """{"decoder": ["decoder.onnx"]}""");
        yield return Parse("encoder.file escaping the folder", Refused, """{"encoder": {"file": "../../etc/passwd"}}""");
        yield return Parse("encoder.file absolute", Refused, """{"encoder": {"file": "/tmp/encoder.onnx"}}""");
        yield return Parse("schemaVersion 99", Refused, """{"schemaVersion": 99}""");
        yield return Parse("unterminated object", Refused, """{"name": "x" """);
        yield return Parse("10 MB of whitespace", Refused, Valid + new string(' ', 10 << 20));
        yield return Parse("an unpaired UTF-16 surrogate in a string", Refused, "{\"name\": \"x\\ud800\"}");
        yield return Folder("model folder with a misspelt key", Refused, """{"schemaVersion": 1, "name": "sam-tiny", "preprocesing": "medsam"}""");
        yield return Folder("model folder with a 10 MB model.json", Refused, Valid + new string(' ', 10 << 20));
    }

    private static HostileCase Parse(string name, Type? expected, string json) =>
        new(name, expected, _ => ModelManifest.Parse(json, "model.json"));

    /// <summary>A copy of the sam-tiny folder whose model.json is <paramref name="json"/>, loaded as a model.</summary>
    private static HostileCase Folder(string name, Type? expected, string json) =>
        new(name, expected, ctx =>
        {
            string folder = Directory.CreateDirectory(Path.Combine(ctx.Folder, Guid.NewGuid().ToString("N"))).FullName;
            foreach (string file in new[] { "encoder.onnx", "decoder.onnx" })
            {
                File.CreateSymbolicLink(Path.Combine(folder, file), Path.Combine(ReliabilityFixtures.Model("sam-tiny"), file));
            }

            File.WriteAllText(Path.Combine(folder, ModelManifest.FileName), json);
            using SamOnnxModel model = SamOnnxModel.Load(folder);
        });
}
