using Microsoft.Extensions.Logging;

namespace SkinSam.Sdk.Hosting;

/// <summary>The log messages of model loading, source-generated so that disabled levels cost nothing.</summary>
internal static partial class ModelLoadLog
{
    [LoggerMessage(EventId = 1, EventName = "ModelLoading", Level = LogLevel.Information,
        Message = "Loading model from {ModelPath} with execution providers [{Providers}], CPU fallback {AllowCpuFallback}")]
    public static partial void Loading(ILogger logger, string modelPath, string providers, bool allowCpuFallback);

    [LoggerMessage(EventId = 2, EventName = "ModelLoaded", Level = LogLevel.Information,
        Message = "Loaded model {ModelName} from {ModelPath} in {ElapsedMilliseconds:F0} ms: encoder {EncoderVariant}, decoder {DecoderVariant} ({MaskCount} masks), preprocessing {Preprocessing}, running on {ExecutionProvider}")]
    public static partial void Loaded(
        ILogger logger,
        string modelName,
        string? modelPath,
        double elapsedMilliseconds,
        string encoderVariant,
        string decoderVariant,
        int maskCount,
        string preprocessing,
        string executionProvider);

    [LoggerMessage(EventId = 3, EventName = "ExecutionProviderSkipped", Level = LogLevel.Warning,
        Message = "Execution provider {Provider} skipped: {Reason}")]
    public static partial void ProviderSkipped(ILogger logger, string provider, string? reason);

    [LoggerMessage(EventId = 4, EventName = "FellBackToCpu", Level = LogLevel.Warning,
        Message = "Model {ModelName} runs on the CPU: none of the preferred execution providers [{Providers}] could be used")]
    public static partial void FellBackToCpu(ILogger logger, string modelName, string providers);

    [LoggerMessage(EventId = 5, EventName = "ManifestDefaulted", Level = LogLevel.Warning,
        Message = "Model folder {ModelPath} has no model.json: assuming the official SAM export and its preprocessing")]
    public static partial void ManifestDefaulted(ILogger logger, string? modelPath);

    [LoggerMessage(EventId = 6, EventName = "ModelLoadFailed", Level = LogLevel.Error,
        Message = "Loading the model from {ModelPath} failed after {ElapsedMilliseconds:F0} ms")]
    public static partial void LoadFailed(ILogger logger, Exception exception, string modelPath, double elapsedMilliseconds);
}
