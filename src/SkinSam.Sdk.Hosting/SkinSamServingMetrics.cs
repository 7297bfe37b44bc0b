using System.Diagnostics.Metrics;

namespace SkinSam.Sdk.Hosting;

/// <summary>
/// Instruments of a segmentation service, on the meter <see cref="MeterName"/>: failures by kind, requests in flight and
/// queued, model load and warm-up time. Collect with OpenTelemetry (<c>AddMeter("SkinSam.Sdk.Hosting")</c>) or
/// <c>dotnet-counters monitor --counters SkinSam.Sdk.Hosting</c>.
/// </summary>
public static class SkinSamServingMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "SkinSam.Sdk.Hosting";

    private static readonly Meter Meter = new(MeterName, typeof(SkinSamServingMetrics).Assembly.GetName().Version?.ToString());

    /// <summary>Failed requests, tagged with <c>kind</c> (the error code, e.g. <c>image-undecodable</c>, <c>image-too-large</c>, <c>invalid-prompt</c>, <c>model-error</c>, <c>overloaded</c>).</summary>
    public static Counter<long> Failures { get; } = Meter.CreateCounter<long>("skinsam.requests.failed", "{request}", "Failed requests by kind.");

    /// <summary>Requests inside the service now (reading, queued or running the model).</summary>
    public static UpDownCounter<long> RequestsInFlight { get; } = Meter.CreateUpDownCounter<long>("skinsam.requests.in_flight", "{request}", "Requests being served now.");

    /// <summary>Requests completed, tagged with <c>endpoint</c>.</summary>
    public static Counter<long> Requests { get; } = Meter.CreateCounter<long>("skinsam.requests.completed", "{request}", "Requests served successfully.");

    /// <summary>Model load time in milliseconds (once per process), tagged with <c>model</c>.</summary>
    public static Histogram<double> ModelLoadDuration { get; } = Meter.CreateHistogram<double>("skinsam.model.load.duration", "ms", "Time to load the model's sessions.");

    /// <summary>Warm-up time in milliseconds (one encode and decode after loading).</summary>
    public static Histogram<double> WarmUpDuration { get; } = Meter.CreateHistogram<double>("skinsam.model.warmup.duration", "ms", "Time of the warm-up encode and decode.");
}
