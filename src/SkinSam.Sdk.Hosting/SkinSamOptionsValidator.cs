using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Models;

namespace SkinSam.Sdk.Hosting;

/// <summary>
/// Checks <see cref="SkinSamOptions"/> when the host starts (<c>ValidateOnStart</c>), so a wrong model path or provider list
/// stops the application at start-up instead of at the first request. Every failure says what was expected and what came.
/// </summary>
public sealed class SkinSamOptionsValidator : IValidateOptions<SkinSamOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, SkinSamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        ValidateModelPath(options.ModelPath, failures);

        if (options.ExecutionProviders.Count == 0)
        {
            try
            {
                _ = options.ResolveProviders();
            }
            catch (FormatException ex)
            {
                failures.Add($"{nameof(SkinSamOptions.Providers)}: {ex.Message} (the whole value was '{options.Providers}'; e.g. 'cuda,cpu')");
            }
        }
        else if (options.ExecutionProviders.Any(p => p is null))
        {
            failures.Add($"{nameof(SkinSamOptions.ExecutionProviders)}: expected no null entries; got a null entry");
        }

        if (options.IntraOpThreads < 0)
        {
            failures.Add($"{nameof(SkinSamOptions.IntraOpThreads)}: expected 0 (automatic) or more; got {options.IntraOpThreads.ToString(CultureInfo.InvariantCulture)}");
        }

        if (options.InterOpThreads < 0)
        {
            failures.Add($"{nameof(SkinSamOptions.InterOpThreads)}: expected 0 (automatic) or more; got {options.InterOpThreads.ToString(CultureInfo.InvariantCulture)}");
        }

        if (!Enum.IsDefined(options.OptimizationLevel))
        {
            failures.Add($"{nameof(SkinSamOptions.OptimizationLevel)}: expected one of {string.Join(", ", Enum.GetNames<GraphOptimizationLevel>())}; got {((int)options.OptimizationLevel).ToString(CultureInfo.InvariantCulture)}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateModelPath(string? modelPath, List<string> failures)
    {
        const string Key = nameof(SkinSamOptions.ModelPath);
        if (string.IsNullOrWhiteSpace(modelPath))
        {
            failures.Add($"{Key}: expected the path of a model folder holding encoder.onnx, decoder.onnx and model.json; got {(modelPath is null ? "null" : "an empty string")}");
            return;
        }

        string full = Path.GetFullPath(modelPath);
        if (!Directory.Exists(full))
        {
            failures.Add(File.Exists(full)
                ? $"{Key}: expected a model folder; got the file '{full}' (point at the folder that holds it)"
                : $"{Key}: expected an existing model folder; got '{full}', which does not exist");
            return;
        }

        string manifestPath = Path.Combine(full, ModelManifest.FileName);
        ModelManifest manifest;
        try
        {
            manifest = File.Exists(manifestPath) ? ModelManifest.Load(manifestPath) : ModelManifest.SamDefaults;
        }
        catch (ModelLoadException ex)
        {
            failures.Add($"{Key}: expected a valid {ModelManifest.FileName}; got {ex.Message}");
            return;
        }

        string[] missing = [.. new[] { manifest.EncoderFile, manifest.DecoderFile }.Where(f => !File.Exists(Path.Combine(full, f)))];
        if (missing.Length > 0)
        {
            string held = string.Join(", ", Directory.EnumerateFileSystemEntries(full).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            failures.Add($"{Key}: expected {string.Join(" and ", missing)} in '{full}'; got {(held.Length == 0 ? "an empty folder" : held)}");
        }
    }
}
