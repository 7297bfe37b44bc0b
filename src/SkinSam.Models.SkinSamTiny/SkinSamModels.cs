using SkinSam.Sdk;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Models;

/// <summary>
/// The default model, SkinSAM-Tiny, shipped in this package: its folder and a loader that needs no path.
/// </summary>
/// <remarks>
/// The package copies <c>encoder.onnx</c>, <c>decoder.onnx</c>, <c>model.json</c> and <c>MODEL_CARD.md</c> to
/// <c>models/skinsam-tiny/</c> in the application's output and publish folders. The model is derived from HAM10000 and
/// licensed CC BY-NC 4.0 (non-commercial); it is not a medical device.
/// </remarks>
public static class SkinSamModels
{
    /// <summary>The default model's name, as in its <c>model.json</c> and its folder name.</summary>
    public const string DefaultModelName = "skinsam-tiny";

    /// <summary>
    /// The folder holding the default model: <c>models/skinsam-tiny</c> under the application's base folder, else beside this
    /// assembly, else in the package folder this assembly was loaded from. When none holds the model, the first of these.
    /// </summary>
    public static string DefaultModelFolder => Candidates().FirstOrDefault(HoldsModel) ?? Candidates().First();

    /// <summary>Loads the default model, SkinSAM-Tiny, from <see cref="DefaultModelFolder"/>.</summary>
    /// <param name="options">Providers and session settings; null for CPU defaults.</param>
    /// <returns>The loaded model; the caller disposes it.</returns>
    /// <exception cref="ModelLoadException">The model files are not where the package puts them, or cannot be loaded
    /// (for example without a native ONNX Runtime package in the application).</exception>
    public static ISegmentationModel OpenDefault(ModelOptions? options = null)
    {
        string? folder = Candidates().FirstOrDefault(HoldsModel);
        if (folder is null)
        {
            throw new ModelLoadException(
                $"Expected the {DefaultModelName} model (encoder.onnx, decoder.onnx, model.json) in one of {string.Join(", ", Candidates().Select(c => $"'{c}'"))}; " +
                "got none. The SkinSam.Models.SkinSamTiny package copies them to models/skinsam-tiny in the output folder when the application is built or published.");
        }

        return SegmentationModels.Load(folder, options);
    }

    private static bool HoldsModel(string folder) =>
        File.Exists(Path.Combine(folder, "encoder.onnx")) && File.Exists(Path.Combine(folder, "decoder.onnx")) && File.Exists(Path.Combine(folder, "model.json"));

    private static IEnumerable<string> Candidates()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "models", DefaultModelName);

        // Empty for an assembly loaded from bytes or bundled into a single-file app.
        string location = typeof(SkinSamModels).Assembly.Location;
        if (location.Length > 0 && Path.GetDirectoryName(location) is { } assemblyFolder)
        {
            yield return Path.Combine(assemblyFolder, "models", DefaultModelName);

            // In the package: lib/net10.0/SkinSam.Models.SkinSamTiny.dll beside models/skinsam-tiny/.
            yield return Path.GetFullPath(Path.Combine(assemblyFolder, "..", "..", "models", DefaultModelName));
        }
    }
}
