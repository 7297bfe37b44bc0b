namespace SkinSam.Sdk.Benchmarks.Infrastructure;

/// <summary>
/// The model folders the inference suites run on, by short name. A model that is absent is skipped
/// with a printed reason, never an error.
/// </summary>
/// <remarks>
/// Names: <c>tiny</c> (models/test-fixtures/sam-tiny), <c>skinsam-tiny</c> (models/skinsam-tiny),
/// <c>sam2-tiny</c> (models/test-fixtures/sam2-tiny), <c>skinsam-tiny-256</c> and <c>skinsam-tiny-2</c>
/// (models/&lt;name&gt;, inputSize 256), <c>vit_b</c>, <c>vit_l</c>, <c>vit_h</c>,
/// <c>sam2.1_hiera_t</c>, <c>sam2.1_hiera_s</c>, <c>sam2.1_hiera_b+</c>, <c>sam2.1_hiera_l</c> (random-weight exports in
/// .cache/models/&lt;type&gt;-random-0, made by <c>--prepare-models</c>). Environment: SKINSAM_BENCH_MODELS, a comma list
/// of names or <c>name=folder</c> entries (default <c>tiny,skinsam-tiny,vit_b,sam2.1_hiera_t,sam2.1_hiera_b+</c>; ViT-L/H
/// and SAM 2.1 S/L only when listed);
/// SKINSAM_MODEL_&lt;NAME&gt; (upper case, '-' as '_') overrides the folder of one name.
/// </remarks>
public static class BenchmarkModelCatalog
{
    /// <summary>The names used when SKINSAM_BENCH_MODELS is not set.</summary>
    public const string DefaultSelection = "tiny,skinsam-tiny,vit_b,sam2.1_hiera_t,sam2.1_hiera_b+";

    /// <summary>The random-init seed of generated models (the PyTorch anchor uses the same).</summary>
    public const int RandomSeed = 0;

    private static readonly Lazy<IReadOnlyList<(string Name, string? Folder, string Note)>> Resolved = new(Resolve);

    /// <summary>Names of the selected models whose folders hold encoder.onnx and decoder.onnx.</summary>
    public static IEnumerable<string> AvailableNames() =>
        Resolved.Value.Where(m => m.Folder is not null).Select(m => m.Name);

    /// <summary>Every selected model with its folder (null when absent) and a note saying why.</summary>
    public static IReadOnlyList<(string Name, string? Folder, string Note)> Describe() => Resolved.Value;

    /// <summary>The folder of an available model.</summary>
    /// <param name="name">A name from <see cref="AvailableNames"/>.</param>
    /// <returns>The full path of the folder.</returns>
    public static string FolderOf(string name) =>
        Resolved.Value.FirstOrDefault(m => m.Name == name).Folder
        ?? throw new InvalidOperationException($"Expected model '{name}' to be available; got: {string.Join(", ", Resolved.Value.Select(m => $"{m.Name} ({m.Note})"))}.");

    /// <summary>The default folder of a generated random-weight model type.</summary>
    /// <param name="modelType">vit_b, vit_l, vit_h or a sam2.1_hiera_* type.</param>
    /// <returns>The folder under .cache/models.</returns>
    public static string RandomModelFolder(string modelType) =>
        Path.Combine(RepositoryLayout.CacheFolder, "models", $"{modelType}-random-{RandomSeed}");

    private static IReadOnlyList<(string Name, string? Folder, string Note)> Resolve()
    {
        string selection = Environment.GetEnvironmentVariable("SKINSAM_BENCH_MODELS") is { Length: > 0 } s ? s : DefaultSelection;
        var result = new List<(string, string?, string)>();
        foreach (string entry in selection.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = entry.Split('=', 2);
            string name = parts[0];
            string? folder = parts.Length == 2 ? parts[1] : DefaultFolder(name);
            if (Environment.GetEnvironmentVariable("SKINSAM_MODEL_" + name.ToUpperInvariant().Replace('-', '_')) is { Length: > 0 } overridden)
            {
                folder = overridden;
            }

            if (folder is null)
            {
                result.Add((name, null, "unknown name and no folder given (use name=folder)"));
            }
            else if (File.Exists(Path.Combine(folder, "encoder.onnx")) && File.Exists(Path.Combine(folder, "decoder.onnx")))
            {
                result.Add((name, Path.GetFullPath(folder), Path.GetFullPath(folder)));
            }
            else
            {
                result.Add((name, null, $"absent: no encoder.onnx + decoder.onnx in {folder}"));
            }
        }

        return result;
    }

    private static string? DefaultFolder(string name)
    {
        string root = RepositoryLayout.RootOrNull ?? Directory.GetCurrentDirectory();
        return name switch
        {
            "tiny" => Path.Combine(root, "models", "test-fixtures", "sam-tiny"),
            "skinsam-tiny" => Path.Combine(root, "models", "skinsam-tiny"),
            "sam2-tiny" => Path.Combine(root, "models", "test-fixtures", "sam2-tiny"),
            "skinsam-tiny-256" or "skinsam-tiny-2" => Path.Combine(root, "models", name),
            "vit_b" or "vit_l" or "vit_h" or "sam2.1_hiera_t" or "sam2.1_hiera_s" or "sam2.1_hiera_b+" or "sam2.1_hiera_l" => RandomModelFolder(name),
            _ => null,
        };
    }
}
