using System.Diagnostics.Metrics;

namespace SkinSam.Sdk.Diagnostics;

/// <summary>
/// The SDK's <see cref="System.Diagnostics.Metrics"/> instruments, collectable by OpenTelemetry
/// (<c>AddMeter("SkinSam.Sdk")</c>) or <c>dotnet-counters monitor --counters SkinSam.Sdk</c>.
/// </summary>
public static class SkinSamInstruments
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "SkinSam.Sdk";

    private static readonly Meter Meter = new(MeterName, typeof(SkinSamInstruments).Assembly.GetName().Version?.ToString());

    /// <summary>Encoder latency in milliseconds, tagged with <c>model</c> and <c>provider</c>.</summary>
    public static Histogram<double> EncodeDuration { get; } = Meter.CreateHistogram<double>("skinsam.encode.duration", "ms", "Image encoder latency, preprocessing included.");

    /// <summary>Decoder latency in milliseconds, tagged with <c>model</c> and <c>provider</c>.</summary>
    public static Histogram<double> DecodeDuration { get; } = Meter.CreateHistogram<double>("skinsam.decode.duration", "ms", "Prompt decoder latency, post-processing included.");

    /// <summary>Images encoded, tagged with <c>model</c> and <c>provider</c>.</summary>
    public static Counter<long> ImagesProcessed { get; } = Meter.CreateCounter<long>("skinsam.images.processed", "{image}", "Images encoded.");

    /// <summary>Prompts decoded, tagged with <c>model</c> and <c>provider</c>.</summary>
    public static Counter<long> PromptsDecoded { get; } = Meter.CreateCounter<long>("skinsam.prompts.decoded", "{prompt}", "Prompts decoded.");
}
