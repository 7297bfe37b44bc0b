using Microsoft.Extensions.Options;
using SkinSam.Sdk.ExecutionProviders;
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

        IReadOnlyList<ExecutionProvider> providers = ModelOptions.Default.Providers;
        if (options.ExecutionProviders.Count == 0)
        {
            try
            {
                providers = options.ResolveProviders();
            }
            catch (FormatException ex)
            {
                failures.Add($"{nameof(SkinSamOptions.Providers)}: {ex.Message} (the whole value was '{options.Providers}'; e.g. 'cuda,cpu')");
            }
        }
        else
        {
            providers = [.. options.ExecutionProviders];
        }

        // The session settings are checked by the core's own rule; its "Providers" is this class's ExecutionProviders
        // list when one is given.
        const string CoreProviders = nameof(ModelOptions.Providers) + ":";
        foreach (string problem in options.ToModelOptions(providers).FindProblems())
        {
            failures.Add(options.ExecutionProviders.Count > 0 && problem.StartsWith(CoreProviders, StringComparison.Ordinal)
                ? nameof(SkinSamOptions.ExecutionProviders) + problem[nameof(ModelOptions.Providers).Length..]
                : problem);
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

        try
        {
            _ = ModelFolder.Open(modelPath);
        }
        catch (ModelLoadException ex)
        {
            // The core's folder check, the one model loading runs: its message says what was expected and what came.
            failures.Add($"{Key}: {ex.Message}");
        }
    }
}
