using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;
using Xunit.Abstractions;

namespace SkinSam.Sdk.Tests.Onnx;

/// <summary>
/// Peak memory of one decode at a large original size (8000 x 6000, where one float plane is 192 MB): the process's
/// peak resident set (Linux <c>VmHWM</c>, reset through <c>/proc/self/clear_refs</c> just before the call) and the
/// managed bytes allocated must grow by less than ONE original-size float plane, where the graph's original-size
/// <c>masks</c> output alone was K = 4 of them. A control run of the bare decoder with the real <c>orig_im_size</c>
/// shows that the measurement sees those planes.
/// </summary>
public sealed partial class SamOnnxModelDecodeMemoryTests(ITestOutputHelper output)
{
    private const int Width = 8000;
    private const int Height = 6000;
    private const long Plane = (long)Width * Height * sizeof(float);

    [Fact]
    [Trait("Category", "Long")]
    public void Decode_8000x6000Frame_PeakMemoryGrowsByLessThanOneFullSizePlane()
    {
        Assert.True(OperatingSystem.IsLinux(), "Expected Linux (/proc/self/status VmHWM); got another OS.");
        string folder = Fixtures.Model("sam-tiny");
        using SamOnnxModel model = SamOnnxModel.Load(folder);
        ImageEmbedding embedding;
        {
            var pixels = new byte[Width * Height * 3];
            new Random(8).NextBytes(pixels.AsSpan(0, Width * 3));
            for (int y = 1; y < Height; y++)
            {
                pixels.AsSpan(0, Width * 3).CopyTo(pixels.AsSpan(y * Width * 3, Width * 3));
            }

            embedding = model.Encode(ImageBuffer.FromRgb24(pixels, Width, Height));
        }

        using (embedding)
        {
            var prompt = new SegmentationPrompt { Box = new PromptBox(2000, 1500, 6000, 4500) };

            // Warm: the first decode sizes ONNX Runtime's arena and the pools for this frame.
            _ = model.Decode(embedding, prompt);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            (long peakGrowth, long managed, SegmentationResult result) = Measure(() => model.Decode(embedding, prompt));
            output.WriteLine($"SDK decode at {Width}x{Height}: peak resident growth {peakGrowth >> 20} MiB, managed allocated {managed >> 20} MiB; one float plane {Plane >> 20} MiB.");
            Assert.Equal(Width, result.Mask.Width);
            Assert.True(peakGrowth < Plane, $"Expected the decode's peak resident growth under one {Width}x{Height} float plane ({Plane >> 20} MiB); got {peakGrowth >> 20} MiB.");
            Assert.True(managed < Plane, $"Expected under {Plane >> 20} MiB allocated by the decode; got {managed >> 20} MiB.");

            // The control: the bare decoder with the real orig_im_size builds K original-size planes.
            using var bare = new InferenceSession(Path.Combine(folder, "decoder.onnx"));
            (long bareGrowth, _, int k) = Measure(() => BareDecodeFullSize(bare, embedding));
            output.WriteLine($"Control, bare decoder with orig_im_size = ({Height}, {Width}): peak resident growth {bareGrowth >> 20} MiB for K = {k}.");
            Assert.True(bareGrowth >= k * Plane * 9 / 10, $"Expected the control to see the graph's {k} full-size planes ({k * Plane >> 20} MiB); got {bareGrowth >> 20} MiB: the measurement would not catch them.");
        }
    }

    private static (long PeakGrowth, long Managed, T Result) Measure<T>(Func<T> action)
    {
        long before = StatusKilobytes("VmRSS") * 1024;
        File.WriteAllText("/proc/self/clear_refs", "5");
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        T result = action();
        long managed = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        long peak = StatusKilobytes("VmHWM") * 1024;
        return (peak - before, managed, result);
    }

    private static int BareDecodeFullSize(InferenceSession session, ImageEmbedding embedding)
    {
        (float[] coords, float[] labels) = SamOnnxModel.BuildPointInputs(
            new SegmentationPrompt { Box = new PromptBox(2000, 1500, 6000, 4500) }, embedding.Frame.PromptScaleX, embedding.Frame.PromptScaleY);
        using OrtValue e = OrtValue.CreateTensorValueFromMemory(embedding.Values.ToArray(), [1, 256, 64, 64]);
        using OrtValue c = OrtValue.CreateTensorValueFromMemory(coords, [1, labels.Length, 2]);
        using OrtValue l = OrtValue.CreateTensorValueFromMemory(labels, [1, labels.Length]);
        using OrtValue m = OrtValue.CreateTensorValueFromMemory(new float[256 * 256], [1, 1, 256, 256]);
        using OrtValue hm = OrtValue.CreateTensorValueFromMemory(new float[1], [1]);
        using OrtValue size = OrtValue.CreateTensorValueFromMemory(new float[] { Height, Width }, [2]);
        using var run = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(
            run, ["image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input", "orig_im_size"], [e, c, l, m, hm, size], ["masks"]);
        return (int)outputs[0].GetTensorTypeAndShape().Shape[1];
    }

    private static long StatusKilobytes(string key)
    {
        Match match = StatusLine().Match(File.ReadAllText("/proc/self/status"));
        while (match.Success && match.Groups[1].Value != key)
        {
            match = match.NextMatch();
        }

        Assert.True(match.Success, $"Expected a '{key}:' line in /proc/self/status; got none.");
        return long.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(\w+):\s+(\d+) kB", RegexOptions.Multiline)]
    private static partial Regex StatusLine();
}
