// Over 400 lines on purpose: the manifest schema, its strict reader (every key checked, every problem listed) and
// its writer are one idea, the model.json contract, and read best side by side.
using System.Globalization;
using System.Text.Json;
using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Models;

/// <summary>
/// The <c>model.json</c> of a model folder: what the model is, how to feed it and under which licence.
/// A folder without one (the official SAM export) gets <see cref="SamDefaults"/>.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>The manifest file name inside a model folder.</summary>
    public const string FileName = "model.json";

    /// <summary>The manifest schema version this SDK reads.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The largest manifest accepted, in bytes or characters: 1 MiB, far above any real manifest (about 500 bytes).</summary>
    public const int MaxLength = 1024 * 1024;

    /// <summary>Model identifier, e.g. <c>skinsam-tiny</c>.</summary>
    public string Name { get; init; } = "sam";

    /// <summary>Model family; <c>sam-v1</c> covers SAM, MedSAM, SkinSAM and MobileSAM exports, <c>sam2</c> SAM 2.1 (image mode).</summary>
    public string Family { get; init; } = "sam-v1";

    /// <summary>How images are turned into the encoder input.</summary>
    public PreprocessingProfile Preprocessing { get; init; } = PreprocessingProfile.Sam;

    /// <summary>
    /// Side of the square encoder input in pixels, the long side images are resized to and the frame prompts are
    /// given in: 1024 for SAM v1; a smaller multiple of 64 (at least 256) for a model whose encoder needs less
    /// (e.g. 256 for SkinSAM-Tiny 2), under the sam profile only (SAM 2.1 and MedSAM: 1024).
    /// </summary>
    public int InputSize { get; init; } = Onnx.SamContract.FrameSize;

    // inputSize below the SAM v1 frame: the encoder still returns a 64 x 64 embedding, so the frame is a multiple of it
    private const int MinInputSize = 256;
    private const int InputSizeStep = 64;

    /// <summary>Logits above this value are foreground (under the medsam profile: probabilities above <c>sigmoid(MaskThreshold)</c>, 0.5 for 0).</summary>
    public float MaskThreshold { get; init; }

    /// <summary>Encoder file name inside the folder.</summary>
    public string EncoderFile { get; init; } = "encoder.onnx";

    /// <summary>The encoder export, or null to detect it from the ONNX signature.</summary>
    public EncoderVariant? EncoderVariant { get; init; }

    /// <summary>Decoder file name inside the folder.</summary>
    public string DecoderFile { get; init; } = "decoder.onnx";

    /// <summary>The decoder export, or null to detect it from the ONNX signature.</summary>
    public DecoderVariant? DecoderVariant { get; init; }

    /// <summary>True when the decoder was exported with a batch axis so several prompts run in one call.</summary>
    public bool DecoderBatchAxis { get; init; }

    /// <summary>True when the model was trained to segment with no prompt (the padding point alone).</summary>
    public bool SupportsNoPrompt { get; init; }

    /// <summary>How the weights and inner arithmetic are stored (<c>"precision"</c>: <c>fp32</c>, the default, <c>fp16</c>, <c>int8-dynamic</c>, <c>int8-qdq</c>).</summary>
    public ModelPrecision Precision { get; init; } = ModelPrecision.Fp32;

    /// <summary>SPDX licence expression of the weights.</summary>
    public string? License { get; init; }

    /// <summary>Where the weights came from.</summary>
    public string? Provenance { get; init; }

    /// <summary>The defaults for a folder holding only the official SAM <c>encoder.onnx</c> and <c>decoder.onnx</c>.</summary>
    public static ModelManifest SamDefaults { get; } = new() { Name = "sam", Provenance = "no model.json: official SAM export assumed" };

    /// <summary>Reads and validates a manifest file.</summary>
    /// <param name="path">Path of <c>model.json</c>.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="ModelLoadException">The file is missing, not JSON, or holds values outside the schema.</exception>
    public static ModelManifest Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string json;
        try
        {
            long length = new FileInfo(path).Length;
            if (length > MaxLength)
            {
                throw new ModelLoadException($"{path}: expected a manifest of at most {MaxLength} bytes; got {length}.");
            }

            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"Expected a readable manifest at '{path}'; got {ex.GetType().Name}: {ex.Message}", ex);
        }

        return Parse(json, path);
    }

    /// <summary>Parses and validates manifest JSON.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">A name for the text in error messages (usually its path).</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="ModelLoadException">
    /// The text is not JSON, is longer than <see cref="MaxLength"/>, holds a key twice or a key the schema does not know
    /// (the message names the closest known key), or holds values outside the schema; every problem is listed.
    /// Comments and trailing commas are allowed; a leading byte-order mark is ignored.
    /// </exception>
    public static ModelManifest Parse(string json, string source = FileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxLength)
        {
            throw new ModelLoadException($"{source}: expected a manifest of at most {MaxLength} characters; got {json.Length}.");
        }

        json = json.TrimStart('\uFEFF');
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException($"{source}: expected a JSON object; got invalid JSON ({ex.Message})", ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException($"{source}: expected a JSON object; got {doc.RootElement.ValueKind}.");
            }

            var errors = new List<string>();
            var asked = new HashSet<string>(StringComparer.Ordinal);
            var reader = new ManifestReader(doc.RootElement, errors, asked);
            int schema = reader.Int("schemaVersion", CurrentSchemaVersion);
            if (schema != CurrentSchemaVersion)
            {
                errors.Add($"'schemaVersion': expected {CurrentSchemaVersion}; got {schema}");
            }

            var manifest = new ModelManifest
            {
                Name = reader.String("name", "sam")!,
                Family = reader.String("family", "sam-v1")!,
                Preprocessing = reader.Enum("preprocessing", PreprocessingProfile.Sam, ("sam", PreprocessingProfile.Sam), ("medsam", PreprocessingProfile.MedSam), ("sam2", PreprocessingProfile.Sam2)),
                InputSize = reader.Int("inputSize", Onnx.SamContract.FrameSize),
                MaskThreshold = reader.Float("maskThreshold", 0f),
                EncoderFile = reader.Child("encoder").String("file", "encoder.onnx")!,
                EncoderVariant = reader.Child("encoder").NullableEnum("variant", ("image-nchw", Models.EncoderVariant.ImageNchw), ("input-image-hwc", Models.EncoderVariant.InputImageHwc)),
                DecoderFile = reader.Child("decoder").String("file", "decoder.onnx")!,
                DecoderVariant = reader.Child("decoder").NullableEnum("variant", ("multimask", Models.DecoderVariant.Multimask), ("single-mask", Models.DecoderVariant.SingleMask), ("low-res-only", Models.DecoderVariant.LowResOnly)),
                DecoderBatchAxis = reader.Child("decoder").Bool("batchAxis", false),
                SupportsNoPrompt = reader.Bool("supportsNoPrompt", false),
                Precision = reader.Enum("precision", ModelPrecision.Fp32, PrecisionNames),
                License = reader.String("license", null),
                Provenance = reader.String("provenance", null),
            };

            CheckKeys(doc.RootElement, string.Empty, asked, errors);
            if (manifest.Family is not ("sam-v1" or Onnx.Sam2Contract.FamilyName))
            {
                errors.Add($"'family': expected \"sam-v1\" or \"sam2\"; got \"{manifest.Family}\"");
            }
            else if ((manifest.Family == Onnx.Sam2Contract.FamilyName) != (manifest.Preprocessing == PreprocessingProfile.Sam2))
            {
                // A SAM 2.1 model without a 'preprocessing' key takes its own profile; any other pairing is a mistake.
                if (manifest.Family == Onnx.Sam2Contract.FamilyName && !doc.RootElement.TryGetProperty("preprocessing", out _))
                {
                    manifest = manifest with { Preprocessing = PreprocessingProfile.Sam2 };
                }
                else
                {
                    errors.Add(manifest.Family == Onnx.Sam2Contract.FamilyName
                        ? $"'preprocessing': expected \"sam2\" for family \"sam2\"; got \"{manifest.Preprocessing.ToString().ToLowerInvariant()}\""
                        : $"'preprocessing': expected \"sam\" or \"medsam\" for family \"{manifest.Family}\"; got \"sam2\" (the SAM 2.1 profile needs \"family\": \"sam2\")");
                }
            }

            if (manifest.Preprocessing is PreprocessingProfile.MedSam or PreprocessingProfile.Sam2 && manifest.InputSize != Onnx.SamContract.FrameSize)
            {
                errors.Add($"'inputSize': expected {Onnx.SamContract.FrameSize} for the {(manifest.Preprocessing == PreprocessingProfile.MedSam ? "medsam" : "sam2")} profile; got {manifest.InputSize}");
            }
            else if (manifest.InputSize < MinInputSize || manifest.InputSize > Onnx.SamContract.FrameSize || manifest.InputSize % InputSizeStep != 0)
            {
                errors.Add($"'inputSize': expected a multiple of {InputSizeStep} from {MinInputSize} to {Onnx.SamContract.FrameSize} (the SAM v1 frame, or a smaller frame the encoder needs); got {manifest.InputSize}");
            }

            if (!float.IsFinite(manifest.MaskThreshold))
            {
                errors.Add($"'maskThreshold': expected a finite number; got {manifest.MaskThreshold.ToString(CultureInfo.InvariantCulture)}");
            }

            foreach ((string key, string file) in new[] { ("encoder.file", manifest.EncoderFile), ("decoder.file", manifest.DecoderFile) })
            {
                if (file.Length == 0 || Path.IsPathRooted(file) || file.Contains("..", StringComparison.Ordinal))
                {
                    errors.Add($"'{key}': expected a file name inside the model folder; got \"{file}\"");
                }
            }

            if (errors.Count > 0)
            {
                errors = [.. errors.Distinct(StringComparer.Ordinal)];
                throw new ModelLoadException($"{source}: {errors.Count} problem(s): {string.Join("; ", errors)}.");
            }

            return manifest;
        }
    }

    /// <summary>The manifest as JSON in the schema <see cref="Parse"/> reads.</summary>
    /// <returns>Indented JSON.</returns>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", CurrentSchemaVersion);
            w.WriteString("name", Name);
            w.WriteString("family", Family);
            w.WriteString("preprocessing", Preprocessing switch { PreprocessingProfile.MedSam => "medsam", PreprocessingProfile.Sam2 => "sam2", _ => "sam" });
            w.WriteNumber("inputSize", InputSize);
            w.WriteNumber("maskThreshold", MaskThreshold);
            w.WriteStartObject("encoder");
            w.WriteString("file", EncoderFile);
            if (EncoderVariant is { } ev)
            {
                w.WriteString("variant", ev == Models.EncoderVariant.ImageNchw ? "image-nchw" : "input-image-hwc");
            }

            w.WriteEndObject();
            w.WriteStartObject("decoder");
            w.WriteString("file", DecoderFile);
            if (DecoderVariant is { } dv)
            {
                w.WriteString("variant", dv switch { Models.DecoderVariant.Multimask => "multimask", Models.DecoderVariant.SingleMask => "single-mask", _ => "low-res-only" });
            }

            w.WriteBoolean("batchAxis", DecoderBatchAxis);
            w.WriteEndObject();
            w.WriteBoolean("supportsNoPrompt", SupportsNoPrompt);
            if (Precision != ModelPrecision.Fp32)
            {
                w.WriteString("precision", PrecisionNames.First(p => p.Value == Precision).Name);
            }

            if (License is not null)
            {
                w.WriteString("license", License);
            }

            if (Provenance is not null)
            {
                w.WriteString("provenance", Provenance);
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The manifest names of <see cref="ModelPrecision"/>; fp32 is omitted by <see cref="ToJson"/>, as the exporter omits it.</summary>
    private static readonly (string Name, ModelPrecision Value)[] PrecisionNames =
        [("fp32", ModelPrecision.Fp32), ("fp16", ModelPrecision.Fp16), ("int8-dynamic", ModelPrecision.Int8Dynamic), ("int8-qdq", ModelPrecision.Int8Qdq)];

    /// <summary>
    /// Every key the schema reads is recorded while reading (<paramref name="asked"/>), so the schema has one source;
    /// a key nobody asked for is unknown (a misspelt <c>preprocesing</c> would otherwise leave the default
    /// preprocessing silently in place), and a key given twice is ambiguous.
    /// </summary>
    private static void CheckKeys(JsonElement element, string prefix, HashSet<string> asked, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            string key = prefix + property.Name;
            if (!seen.Add(property.Name))
            {
                errors.Add($"'{key}': expected each key once; got it {element.EnumerateObject().Count(p => p.Name == property.Name)} times (duplicate key)");
                continue;
            }

            if (!asked.Contains(key))
            {
                string[] known = [.. asked.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('.', prefix.Length) < 0).Select(k => k[prefix.Length..]).Order(StringComparer.Ordinal)];
                string? closest = known.OrderBy(k => EditDistance(k.ToLowerInvariant(), property.Name.ToLowerInvariant())).FirstOrDefault();
                bool close = closest is not null && EditDistance(closest.ToLowerInvariant(), property.Name.ToLowerInvariant()) <= Math.Max(2, closest.Length / 3);
                errors.Add(close
                    ? $"'{key}': expected a key the schema knows; got an unknown key (did you mean '{prefix}{closest}'?)"
                    : $"'{key}': expected one of {string.Join(", ", known.Select(k => "'" + prefix + k + "'"))}; got an unknown key");
                continue;
            }

            if (property.Value.ValueKind == JsonValueKind.Object && asked.Contains(key + "."))
            {
                CheckKeys(property.Value, key + ".", asked, errors);
            }
        }
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private readonly struct ManifestReader(JsonElement element, List<string> errors, HashSet<string> asked, string prefix = "")
    {
        public ManifestReader Child(string name)
        {
            asked.Add(prefix + name);
            asked.Add(prefix + name + ".");
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement child))
            {
                if (child.ValueKind == JsonValueKind.Object)
                {
                    return new ManifestReader(child, errors, asked, prefix + name + ".");
                }

                errors.Add($"'{prefix}{name}': expected an object; got {child.ValueKind}");
            }

            return new ManifestReader(default, errors, asked, prefix + name + ".");
        }

        public string? String(string name, string? fallback)
        {
            if (!TryGet(name, out JsonElement v))
            {
                return fallback;
            }

            if (v.ValueKind == JsonValueKind.String)
            {
                try
                {
                    return v.GetString();
                }
                catch (InvalidOperationException)
                {
                    // An escaped lone surrogate (\ud800) is valid JSON but no string.
                    errors.Add($"'{prefix}{name}': expected a string of valid UTF-16; got {v.GetRawText()} (an unpaired surrogate)");
                    return fallback;
                }
            }

            errors.Add($"'{prefix}{name}': expected a string; got {v.ValueKind}");
            return fallback;
        }

        public int Int(string name, int fallback)
        {
            if (!TryGet(name, out JsonElement v))
            {
                return fallback;
            }

            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i))
            {
                return i;
            }

            errors.Add($"'{prefix}{name}': expected an integer; got {v.GetRawText()}");
            return fallback;
        }

        public float Float(string name, float fallback)
        {
            if (!TryGet(name, out JsonElement v))
            {
                return fallback;
            }

            if (v.ValueKind == JsonValueKind.Number && v.TryGetSingle(out float f))
            {
                return f;
            }

            errors.Add($"'{prefix}{name}': expected a number; got {v.GetRawText()}");
            return fallback;
        }

        public bool Bool(string name, bool fallback)
        {
            if (!TryGet(name, out JsonElement v))
            {
                return fallback;
            }

            if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return v.GetBoolean();
            }

            errors.Add($"'{prefix}{name}': expected true or false; got {v.GetRawText()}");
            return fallback;
        }

        public T Enum<T>(string name, T fallback, params (string Name, T Value)[] choices)
            where T : struct => NullableEnum(name, choices) ?? fallback;

        public T? NullableEnum<T>(string name, params (string Name, T Value)[] choices)
            where T : struct
        {
            string? s = String(name, null);
            if (s is null)
            {
                return null;
            }

            foreach ((string n, T value) in choices)
            {
                if (string.Equals(n, s, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }

            errors.Add($"'{prefix}{name}': expected one of {string.Join(", ", choices.Select(c => "\"" + c.Name + "\""))}; got \"{s}\"");
            return null;
        }

        private bool TryGet(string name, out JsonElement value)
        {
            asked.Add(prefix + name);
            value = default;
            return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
        }
    }
}
