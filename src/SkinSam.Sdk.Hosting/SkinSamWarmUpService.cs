using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Hosting;

/// <summary>
/// Loads the model when the host starts and runs one encode and decode on a small grey image, so the first request
/// pays neither the session creation nor ONNX Runtime's first-run allocations; then marks <see cref="SkinSamReadiness"/>.
/// Runs in the background: the host starts listening at once, and the readiness probe says when the model is usable.
/// </summary>
internal sealed partial class SkinSamWarmUpService(
    IServiceProvider services,
    IOptions<SkinSamServingOptions> serving,
    SkinSamReadiness readiness,
    ILogger<SkinSamWarmUpService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() => WarmUp(stoppingToken), stoppingToken);

    private void WarmUp(CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            var model = (ISegmentationModel)services.GetService(typeof(ISegmentationModel))!;
            double loadMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            SkinSamServingMetrics.ModelLoadDuration.Record(loadMs, new KeyValuePair<string, object?>("model", model.Info.Name));
            if (serving.Value.WarmUp)
            {
                long warm = Stopwatch.GetTimestamp();
                var pixels = new byte[64 * 48 * 3];
                pixels.AsSpan().Fill(128);
                using ImageEmbedding embedding = model.Encode(new ImageBuffer(pixels, 64, 48, PixelFormat.Rgb24), cancellationToken);
                _ = model.Decode(embedding, SegmentationPrompt.FromPoint(32, 24), null, cancellationToken);
                double warmMs = Stopwatch.GetElapsedTime(warm).TotalMilliseconds;
                SkinSamServingMetrics.WarmUpDuration.Record(warmMs);
                WarmedUp(logger, loadMs, warmMs);
            }

            readiness.MarkReady();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is SkinSamException or ArgumentException or InvalidOperationException)
        {
            readiness.MarkFailed(ex.Message);
            WarmUpFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 20, EventName = "ModelWarmedUp", Level = LogLevel.Information, Message = "Model ready: loaded in {LoadMilliseconds:F0} ms, warm-up encode and decode {WarmUpMilliseconds:F0} ms")]
    private static partial void WarmedUp(ILogger logger, double loadMilliseconds, double warmUpMilliseconds);

    [LoggerMessage(EventId = 21, EventName = "ModelWarmUpFailed", Level = LogLevel.Error, Message = "Model not ready: loading or warm-up failed")]
    private static partial void WarmUpFailed(ILogger logger, Exception exception);
}
