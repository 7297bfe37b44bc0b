namespace SkinSam.Sdk.Models;

/// <summary>
/// A model folder checked the way loading checks it, before any ONNX Runtime session exists: the folder exists, its
/// <c>model.json</c> is valid (or absent, meaning the official SAM export), and the encoder and decoder files it names are
/// there. Model loading and the hosting options validator both use this one check.
/// </summary>
public sealed class ModelFolder
{
    private ModelFolder(string path, ModelManifest manifest, bool manifestWasDefaulted)
    {
        Path = path;
        Manifest = manifest;
        ManifestWasDefaulted = manifestWasDefaulted;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>The folder's manifest, or <see cref="ModelManifest.SamDefaults"/> when it has none.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>True when the folder has no <c>model.json</c> and the SAM defaults were assumed.</summary>
    public bool ManifestWasDefaulted { get; }

    /// <summary>The full path of the manifest file (which need not exist; see <see cref="ManifestWasDefaulted"/>).</summary>
    public string ManifestPath => System.IO.Path.Combine(Path, ModelManifest.FileName);

    /// <summary>The full path of the encoder file the manifest names.</summary>
    public string EncoderPath => System.IO.Path.Combine(Path, Manifest.EncoderFile);

    /// <summary>The full path of the decoder file the manifest names.</summary>
    public string DecoderPath => System.IO.Path.Combine(Path, Manifest.DecoderFile);

    /// <summary>Checks a model folder and reads its manifest.</summary>
    /// <param name="folder">The model folder; relative paths are resolved against the current directory.</param>
    /// <returns>The checked folder.</returns>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is null, empty or white space.</exception>
    /// <exception cref="ModelLoadException">The folder is missing or is a file, the manifest is invalid, or the encoder or decoder file is missing.</exception>
    public static ModelFolder Open(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string full = System.IO.Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new ModelLoadException(File.Exists(full)
                ? $"Expected a model folder; got the file '{full}'. Point at the folder holding encoder.onnx and decoder.onnx."
                : $"Expected a model folder at '{full}'; got no such directory.");
        }

        string manifestPath = System.IO.Path.Combine(full, ModelManifest.FileName);
        bool defaulted = !File.Exists(manifestPath);
        var opened = new ModelFolder(full, defaulted ? ModelManifest.SamDefaults : ModelManifest.Load(manifestPath), defaulted);
        string[] missing = [.. new[] { opened.EncoderPath, opened.DecoderPath }.Where(p => !File.Exists(p)).Select(p => System.IO.Path.GetFileName(p))];
        if (missing.Length > 0)
        {
            string held = string.Join(", ", Directory.EnumerateFileSystemEntries(full).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal));
            throw new ModelLoadException($"Expected {string.Join(" and ", missing)} in model folder '{full}'; the folder holds: {(held.Length == 0 ? "nothing" : held)}.");
        }

        return opened;
    }
}
