using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using SkinSam.Sdk.Hosting;

namespace SkinSam.Server.Tests;

/// <summary>The service's instruments on the meter SkinSam.Sdk.Hosting, read with a MeterListener as a collector would.</summary>
public sealed class ServingMetricsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Failures_TruncatedJpeg_CountedUnderItsErrorCodeAndInFlightComesBackDown()
    {
        byte[] jpeg = await File.ReadAllBytesAsync(TestImages.ImagePath);
        using var recorded = new InstrumentRecorder();

        using var form = TestImages.Form(jpeg[..(jpeg.Length * 4 / 10)]);
        using HttpResponseMessage response = await server.Client.PostAsync("v1/segment", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(recorded.Values("skinsam.requests.failed"), m => m.Value == 1 && m.Tag("kind") == ErrorCodes.ImageUndecodable);
        long[] inFlight = [.. recorded.Values("skinsam.requests.in_flight").Select(m => (long)m.Value)];
        Assert.Contains(1L, inFlight);
        Assert.Contains(-1L, inFlight);
    }
}

/// <summary>A fresh service, started while a listener is on: model load and warm-up times are recorded once at start.</summary>
public sealed class StartUpMetricsTests
{
    [Fact]
    [Trait("Category", "Long")]
    public async Task Start_WithWarmUp_RecordsModelLoadAndWarmUpDurationsTaggedWithTheModel()
    {
        using var recorded = new InstrumentRecorder();
        var fixture = new ServerFixture();
        await fixture.InitializeAsync();
        try
        {
            string model = fixture.App.Services.GetRequiredService<SkinSam.Sdk.Models.ISegmentationModel>().Info.Name;
            Assert.Contains(recorded.Values("skinsam.model.load.duration"), m => m.Value > 0 && m.Tag("model") == model);
            Assert.Contains(recorded.Values("skinsam.model.warmup.duration"), m => m.Value > 0);
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }
}

/// <summary>Everything the SkinSam.Sdk.Hosting meter records while it lives.</summary>
internal sealed class InstrumentRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public InstrumentRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SkinSamServingMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue(new Measurement(instrument.Name, value, tags.ToArray())));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _measurements.Enqueue(new Measurement(instrument.Name, value, tags.ToArray())));
        _listener.Start();
    }

    public IEnumerable<Measurement> Values(string instrument) => _measurements.Where(m => m.Instrument == instrument);

    public void Dispose() => _listener.Dispose();

    internal sealed record Measurement(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)
    {
        public string? Tag(string name) => Tags.FirstOrDefault(t => t.Key == name).Value as string;
    }
}
