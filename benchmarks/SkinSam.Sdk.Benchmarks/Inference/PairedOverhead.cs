using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Benchmarks.Infrastructure;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Benchmarks.Inference;

/// <summary>
/// The SDK's decode (or encode) overhead measured in pairs: one bare <c>InferenceSession.Run</c> and one SDK call on the
/// same fixture, back to back, alternating which goes first, many times; the statistic is the median of the per-pair
/// differences. This VM switches between speed phases (the same decode at ~51 and ~68 ms in one run), which moves
/// separate BenchmarkDotNet cases by more than the millisecond being measured; within a pair both calls see the same
/// phase. A supplement to <see cref="DecoderBenchmarks"/>, not a replacement: medians, quartiles and a distribution-free
/// 95 % interval for the median difference, nothing more.
/// <para>
/// <c>--paired encode-aa</c> is the control: two SDK instances of the same model (two sets of sessions from the same
/// options, loaded one after the other) alternate in the same way. The code is identical on both sides, so whatever
/// difference it shows is what two sessions of one model differ by on this machine (memory placement, load order),
/// the floor under which an SDK-versus-bare difference is not the SDK's.
/// </para>
/// </summary>
public static class PairedOverhead
{
    /// <summary>Runs <c>--paired decode|decode-into|encode|encode-aa --model NAME [--pairs N] [--warmup N] [--threads N] [--bare-first] [--bare-full] [--out FILE]</c>.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>0, or 2 for bad arguments.</returns>
    public static int Run(string[] args)
    {
        string? part = Value(args, "--paired");
        string model = Value(args, "--model") ?? "tiny";
        if (part is not ("decode" or "decode-into" or "encode" or "encode-aa"))
        {
            Console.Error.WriteLine($"Expected --paired decode, decode-into, encode or encode-aa; got '{part}'.");
            return 2;
        }

        if (!TryCount(args, "--pairs", part.StartsWith("decode", StringComparison.Ordinal) ? 200 : 5, out int pairs) || !TryCount(args, "--warmup", part.StartsWith("decode", StringComparison.Ordinal) ? 20 : 1, out int warmup))
        {
            return 2;
        }

        if (part == "encode-aa")
        {
            // The control: "bare" is a first SDK instance, "sdk" a second one of the same model, loaded after it.
            string folder = BenchmarkModelCatalog.FolderOf(model);
            using ISegmentationModel first = SegmentationModels.Load(folder, ProviderCatalog.Options("cpu"));
            using ISegmentationModel second = SegmentationModels.Load(folder, ProviderCatalog.Options("cpu"));
            ImageBuffer image = SyntheticData.LesionImage(SamInferenceFixture.Width, SamInferenceFixture.Height, seed: 3);
            return Measure(args, part, model, pairs, warmup, "control: bare* = a first SDK instance, sdk* = a second SDK instance of the same model, loaded after it", () => Time(() => first.Encode(image).Dispose()), () => Time(() => second.Encode(image).Dispose()));
        }

        if (!TryCount(args, "--threads", 0, out int threads, allowZero: true))
        {
            return 2;
        }

        bool bareFirst = args.Contains("--bare-first");
        bool bareFull = args.Contains("--bare-full");
        using var fixture = new SamInferenceFixture(model, "cpu", threads, loadBareFirst: bareFirst);

        // Decode: by default the bare run does the graph work the SDK asks for (its orig_im_size, its two outputs);
        // --bare-full feeds the real orig_im_size and fetches every output, as a raw ONNX Runtime user would.
        bool sdkShaped = !bareFull && fixture.SdkShapedDecoderInputs.Count > 0;
        Func<double> bare = !part.StartsWith("decode", StringComparison.Ordinal) ? () => Time(fixture.BareEncode)
            : sdkShaped ? () => Time(() => fixture.BareDecodeSdkOutputs(0))
            : () => Time(() => fixture.BareDecode(0));
        Func<double> sdk = part switch
        {
            "decode" => () => Time(() => fixture.Model.Decode(fixture.Embedding, fixture.Prompts[0])),
            "decode-into" => () => Time(() => fixture.Model.DecodeInto(fixture.Embedding, fixture.Prompts[0], fixture.Buffers)),
            _ => () => Time(() => fixture.Model.Encode(fixture.Image).Dispose()),
        };
        string loaded = bareFirst ? "bare sessions loaded first (--bare-first)" : "SDK sessions loaded first";
        string bareWork = !part.StartsWith("decode", StringComparison.Ordinal) ? "the encoder on the prepared tensor (the SDK's time includes preprocessing)"
            : sdkShaped ? "the decoder with the SDK's orig_im_size and its two outputs (iou_predictions, low_res_masks)"
            : "the decoder with the real orig_im_size, every output fetched (--bare-full)";
        string threadText = threads == 0 ? "default intra-op threads" : $"{threads} intra-op thread(s)";
        return Measure(args, part, model, pairs, warmup, $"bare* = InferenceSession.Run of {bareWork}, sdk* = the SDK call; {loaded}; {threadText}", bare, sdk);
    }

    private static int Measure(string[] args, string part, string model, int pairs, int warmup, string sides, Func<double> bare, Func<double> sdk)
    {
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
        (double ciLow, double ciHigh) = MedianInterval95(diff);
        var result = new
        {
            part,
            model,
            sides,
            pairs,
            warmup,
            date = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            gcLohThreshold = Environment.GetEnvironmentVariable("DOTNET_GCLOHThreshold"),
            bareMedianMs = bareMedian,
            sdkMedianMs = sdkMedian,
            differenceMedianMs = Quantile(diff, 0.5),
            differenceQ1Ms = Quantile(diff, 0.25),
            differenceQ3Ms = Quantile(diff, 0.75),
            // Even pairs ran bare first, odd pairs SDK first: half their sum is the SDK's share with the cost of
            // following the other session (the calls run B S S B B S ...) cancelled, half their difference that cost.
            differenceBareFirstMedianMs = Quantile([.. diff.Where((_, i) => i % 2 == 0)], 0.5),
            differenceSdkFirstMedianMs = pairs > 1 ? Quantile([.. diff.Where((_, i) => i % 2 == 1)], 0.5) : (double?)null,
            differenceMedianCi95LowMs = ciLow,
            differenceMedianCi95HighMs = ciHigh,
            ratioOfMedians = sdkMedian / bareMedian,
            ratioUpper95 = (bareMedian + ciHigh) / bareMedian,
            bareMs,
            sdkMs,
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
        double[] sorted = Sorted(values);
        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }

    /// <summary>
    /// A distribution-free 95 % confidence interval for the median: the order statistics whose ranks the binomial
    /// distribution B(n, 1/2) puts around n/2 (normal approximation), clamped to the sample. No assumption about the
    /// shape of the differences, which on this VM are skewed by its speed phases.
    /// </summary>
    /// <param name="values">Samples (not modified).</param>
    /// <returns>The lower and upper bound; the sample's range when it is too small for 95 %.</returns>
    public static (double Low, double High) MedianInterval95(IReadOnlyList<double> values)
    {
        double[] sorted = Sorted(values);
        int n = sorted.Length;
        double half = 1.959964 * Math.Sqrt(n) / 2;
        int low = Math.Max(0, (int)Math.Floor((n / 2.0) - half) - 1);
        int high = Math.Min(n - 1, (int)Math.Ceiling((n / 2.0) + half));
        return (sorted[low], sorted[high]);
    }

    private static double[] Sorted(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("Expected at least one sample; got none.", nameof(values));
        }

        return [.. values.Order()];
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

    private static bool TryCount(string[] args, string name, int fallback, out int count, bool allowZero = false)
    {
        string? text = Value(args, name);
        count = fallback;
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out count) && (count > 0 || (allowZero && count == 0)))
        {
            return true;
        }

        Console.Error.WriteLine($"Expected {name} to be a {(allowZero ? "non-negative" : "positive")} whole number; got '{text}'.");
        return false;
    }
}
