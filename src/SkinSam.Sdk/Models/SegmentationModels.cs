using System.Text.Json;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Models;

/// <summary>
/// Opens a model folder as the <see cref="ISegmentationModel"/> of its family: reads <c>model.json</c>'s
/// <c>family</c> (a folder without <c>model.json</c>, or whose manifest names no family, is a SAM 2.1 export when its
/// decoder has SAM 2's feature inputs, else the official SAM v1 export) and hands the folder to the model class
/// registered for it. Adding a family is a contract, a model class, a profile and one line in the table below.
/// </summary>
public static class SegmentationModels
{
    /// <summary>The family a folder without <c>model.json</c>, or a manifest without <c>family</c>, belongs to.</summary>
    public const string DefaultFamily = "sam-v1";

    // The registration table: model.json "family" -> the loader of its model class.
    private static readonly (string Family, Func<string, ModelOptions?, ISegmentationModel> Load)[] Registered =
    [
        (DefaultFamily, static (folder, options) => SamOnnxModel.Load(folder, options)),
        (Sam2Contract.FamilyName, static (folder, options) => Sam2OnnxModel.Load(folder, options)),
    ];

    /// <summary>The families <see cref="Load"/> can open, e.g. <c>sam-v1</c>, <c>sam2</c>.</summary>
    public static IReadOnlyList<string> Families { get; } = [.. Registered.Select(r => r.Family)];

    /// <summary>Loads a model folder as the model class of its <c>model.json</c> family.</summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="options">Providers and session settings; null for CPU defaults.</param>
    /// <returns>The loaded model; the caller disposes it.</returns>
    /// <exception cref="UnknownModelFamilyException"><c>model.json</c> names a family no model class is registered for.</exception>
    /// <exception cref="ModelLoadException">The folder, a file or the manifest is missing or unreadable, or an ONNX file is corrupt.</exception>
    /// <exception cref="ModelContractException">An ONNX signature does not match the family's contract or the manifest.</exception>
    /// <exception cref="ExecutionProviderException">No preferred provider could be used and CPU fallback is off.</exception>
    public static ISegmentationModel Load(string folder, ModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        (string family, bool named) = FamilyOf(folder);

        // A folder that names no family (no model.json, or a minimal one from another exporter) is recognised by its
        // decoder's signature, as the SAM v1 loader recognises the variants of its contract.
        if (!named && Sam2OnnxModel.HasSam2Decoder(folder))
        {
            family = Sam2Contract.FamilyName;
        }

        foreach ((string name, Func<string, ModelOptions?, ISegmentationModel> load) in Registered)
        {
            if (string.Equals(name, family, StringComparison.Ordinal))
            {
                return load(folder, options);
            }
        }

        throw new UnknownModelFamilyException(
            $"{Path.Combine(Path.GetFullPath(folder), ModelManifest.FileName)}: expected 'family' one of {string.Join(", ", Families.Select(f => $"\"{f}\""))}; got \"{family}\". This SDK has no model class for that family.");
    }

    // Only the family is read here: every other key, and a manifest that is missing, too large or not JSON, is left
    // to the family's own parser (the default family's, which reports those problems as it always has).
    // Named is false when the folder has no manifest or its manifest has no "family" (then the signature decides); a
    // manifest that cannot be read counts as naming the default family, whose parser reports it.
    private static (string Family, bool Named) FamilyOf(string folder)
    {
        string manifest = Path.Combine(Path.GetFullPath(folder), ModelManifest.FileName);
        try
        {
            var file = new FileInfo(manifest);
            if (!file.Exists)
            {
                return (DefaultFamily, false);
            }

            if (file.Length > ModelManifest.MaxLength)
            {
                return (DefaultFamily, true);
            }

            byte[] bytes = File.ReadAllBytes(manifest);
            int bom = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
            using JsonDocument doc = JsonDocument.Parse(
                bytes.AsMemory(bom), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (DefaultFamily, true);
            }

            if (!doc.RootElement.TryGetProperty("family", out JsonElement family) || family.ValueKind == JsonValueKind.Null)
            {
                return (DefaultFamily, false);
            }

            return family.ValueKind == JsonValueKind.String ? (family.GetString()!, true) : (DefaultFamily, true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or ArgumentException)
        {
            return (DefaultFamily, true);
        }
    }
}
