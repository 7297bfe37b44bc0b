using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SkinSam.Sdk.ExecutionProviders;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Hosting;

/// <summary>Loads the registered model and logs what happened: path, variants, the provider chosen, each provider skipped and why, the time taken.</summary>
internal static class SkinSamModelLoader
{
    /// <summary>The logger category of the model-loading messages.</summary>
    public const string LogCategory = "SkinSam.Sdk.Hosting";

    public static ISegmentationModel Load(SkinSamOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        string path = options.ModelPath ?? string.Empty;
        ModelOptions modelOptions = options.ToModelOptions();
        string providers = string.Join(", ", modelOptions.Providers.Select(p => p.DisplayName));
        ModelLoadLog.Loading(logger, path, providers, modelOptions.AllowCpuFallback);

        long start = Stopwatch.GetTimestamp();
        ISegmentationModel model;
        try
        {
            model = SegmentationModels.Load(path, modelOptions);
        }
        catch (Exception ex) when (ex is SkinSamException or ArgumentException)
        {
            ModelLoadLog.LoadFailed(logger, ex, path, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            throw;
        }

        double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        ModelInfo info = model.Info;
        foreach (ProviderAttempt attempt in info.ProviderAttempts.Where(a => !a.Succeeded))
        {
            ModelLoadLog.ProviderSkipped(logger, attempt.Provider, attempt.Reason);
        }

        if (info.FellBackToCpu)
        {
            ModelLoadLog.FellBackToCpu(logger, info.Name, providers);
        }

        if (info.ManifestWasDefaulted)
        {
            ModelLoadLog.ManifestDefaulted(logger, info.Path);
        }

        ModelLoadLog.Loaded(
            logger,
            info.Name,
            info.Path,
            elapsed,
            info.EncoderVariant?.ToString() ?? "unknown",
            info.DecoderVariant?.ToString() ?? "unknown",
            info.MaskCount,
            info.Preprocessing.ToString(),
            info.ExecutionProvider);
        return model;
    }
}
