using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SkinSam.Sdk.Benchmarks.Infrastructure;

namespace SkinSam.Sdk.Benchmarks.Inference;

/// <summary>
/// The SDK's decode (or encode) overhead measured in pairs: one bare <c>InferenceSession.Run</c> and one SDK call on the
/// same fixture, back to back, alternating which goes first, many times; the statistic is the median of the per-pair
/// differences. This VM switches between speed phases (the same decode at ~51 and ~68 ms in one run), which moves
/// separate BenchmarkDotNet cases by more than the millisecond being measured; within a pair both calls see the same
/// phase. A supplement to <see cref="DecoderBenchmarks"/>, not a replacement: no statistics beyond medians and quartiles.
/// </summary>
public static class PairedOverhead
{
    /// <summary>Runs <c>--paired decode|encode --model NAME [--pairs N] [--warmup N] [--out FILE]</c>.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>0, or 2 for bad arguments.</returns>
    public static int Run(string[] args)
    {
        string? part = Value(args, "--paired");
        string model = Value(args, "--model") ?? "tiny";
        if (part is not ("decode" or "encode"))
        {
            Console.Error.WriteLine($"Expected --paired decode or --paired encode; got '{part}'.");
            return 2;
        }

        if (!TryCount(args, "--pairs", part == "decode" ? 200 : 5, out int pairs) || !TryCount(args, "--warmup", part == "decode" ? 20 : 1, out int warmup))
        {
            return 2;
        }

        using var fixture = new SamInferenceFixture(model, "cpu");
        Func<double> bare = part == "decode" ? () => Time(() => fixture.BareDecode(0)) : () => Time(fixture.BareEncode);
        Func<double> sdk = part == "decode"
            ? () => Time(() => fixture.Model.Decode(fixture.Embedding, fixture.Prompts[0]))
            : () => Time(() => fixture.Model.Encode(fixture.Image).Dispose());
        for (int i = 0; i < warmup; i++)
        {
            bare();
            sdk();
        }

        var bareMs = new double[pairs];
        var sdkMs = new double[pairs];
        for (int i = 0; i < pairs; i++)
        {
            if (i % 2 == 0)
            {
                bareMs[i] = bare();
                sdkMs[i] = sdk();
            }
            else
            {
                sdkMs[i] = sdk();
                bareMs[i] = bare();
            }
        }

        double[] diff = [.. bareMs.Zip(sdkMs, (b, s) => s - b)];
        double bareMedian = Quantile(bareMs, 0.5);
        double sdkMedian = Quantile(sdkMs, 0.5);
        var result = new
        {
            part,
            model,
            pairs,
            warmup,
            date = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            gcLohThreshold = Environment.GetEnvironmentVariable("DOTNET_GCLOHThreshold"),
            bareMedianMs = bareMedian,
            sdkMedianMs = sdkMedian,
            differenceMedianMs = Quantile(diff, 0.5),
            differenceQ1Ms = Quantile(diff, 0.25),
            differenceQ3Ms = Quantile(diff, 0.75),
            ratioOfMedians = sdkMedian / bareMedian,
        };
        string json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
        Console.WriteLine(json);
        if (Value(args, "--out") is { } outPath)
        {
            File.WriteAllText(outPath, json + Environment.NewLine);
        }

        return 0;
    }

    /// <summary>The q-quantile (linear interpolation between order statistics).</summary>
    /// <param name="values">Samples (not modified).</param>
    /// <param name="q">0 to 1.</param>
    /// <returns>The quantile.</returns>
    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("Expected at least one sample; got none.", nameof(values));
        }

        double[] sorted = [.. values.Order()];
        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static string? Value(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static bool TryCount(string[] args, string name, int fallback, out int count)
    {
        string? text = Value(args, name);
        count = fallback;
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count > 0)
        {
            return true;
        }

        Console.Error.WriteLine($"Expected {name} to be a positive whole number; got '{text}'.");
        return false;
    }
}
