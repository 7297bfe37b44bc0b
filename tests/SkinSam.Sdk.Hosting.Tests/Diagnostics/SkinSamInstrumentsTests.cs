using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using SkinSam.Sdk.Diagnostics;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;
using Xunit;

namespace SkinSam.Sdk.Hosting.Tests.Diagnostics;

/// <summary>What an OpenTelemetry <c>AddMeter("SkinSam.Sdk")</c> would collect, seen through a <see cref="MeterListener"/>.</summary>
public sealed class SkinSamInstrumentsTests
{
    [Fact]
    public void Decode_MeterListenerOnSkinSamMeter_RecordsDurationAndPromptCount()
    {
        var durations = new List<(double Value, string? Model, string? Provider)>();
        var prompts = new List<long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SkinSamInstruments.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "skinsam.decode.duration")
            {
                lock (durations)
                {
                    durations.Add((value, Tag(tags, "model"), Tag(tags, "provider")));
                }
            }
        });
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "skinsam.prompts.decoded" && Tag(tags, "model") == "sam-tiny")
            {
                lock (prompts)
                {
                    prompts.Add(value);
                }
            }
        });
        listener.Start();

        var services = new ServiceCollection();
        services.AddSkinSam(o => o.ModelPath = Fixtures.SamTiny);
        using ServiceProvider provider = services.BuildServiceProvider();
        ISegmentationModel model = provider.GetRequiredService<ISegmentationModel>();
        using ImageEmbedding embedding = model.Encode(Images.Gray(40, 30));
        SegmentationResult result = model.Decode(embedding, SegmentationPrompt.FromBox(5, 5, 30, 25));

        lock (durations)
        {
            (double value, string? modelTag, string? providerTag) = Assert.Single(durations, d => d.Model == "sam-tiny");
            Assert.Equal(result.Elapsed.TotalMilliseconds, value, 6);
            Assert.Equal("cpu", providerTag);
        }

        lock (prompts)
        {
            Assert.Equal([1L], prompts);
        }
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == key)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
