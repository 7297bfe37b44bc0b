using System.Diagnostics;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Reliability.Tests.Onnx;

/// <summary>One model instance under many threads, dispose while calls run, and cancellation in the middle of an encode.</summary>
[Trait("Category", "Long")]
public sealed class SamOnnxModelConcurrencyTests
{
    private const int Tasks = 16;
    private const int EncodeEvery = 16;
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(10);

    /// <summary>
    /// 16 tasks on one instance. The low-res-only export (the SDK upsamples) runs the numbers: 4,096 decodes and
    /// 256 encodes; the multimask export with in-graph upsampling (~30 ms a decode here) runs 1,024 decodes and 64 encodes.
    /// </summary>
    [Theory]
    [InlineData("sam-tiny-lowres", 256)]
    [InlineData("sam-tiny", 64)]
    public async Task EncodeAndDecode_SixteenTasksOnOneInstance_EqualSequentialRun(string fixture, int decodesPerTask)
    {
        using SamOnnxModel model = SamOnnxModel.Load(ReliabilityFixtures.Model(fixture));
        ImageBuffer[] images = [
            ReliabilityFixtures.SyntheticImage(64, 48, 1),
            ReliabilityFixtures.SyntheticImage(50, 70, 2),
            ReliabilityFixtures.SyntheticImage(33, 33, 3),
            ReliabilityFixtures.SyntheticImage(120, 80, 4),
        ];
        SegmentationPrompt[][] prompts = images.Select(PromptsFor).ToArray();

        // The sequential reference: one embedding per image, one result per prompt.
        float[][] embeddings = new float[images.Length][];
        byte[][][] masks = new byte[images.Length][][];
        float[][] ious = new float[images.Length][];
        var shared = new ImageEmbedding[images.Length];
        for (int i = 0; i < images.Length; i++)
        {
            shared[i] = model.Encode(images[i]);
            embeddings[i] = shared[i].Values.ToArray();
            masks[i] = new byte[prompts[i].Length][];
            ious[i] = new float[prompts[i].Length];
            for (int p = 0; p < prompts[i].Length; p++)
            {
                SegmentationResult r = model.Decode(shared[i], prompts[i][p]);
                masks[i][p] = r.Mask.Data.ToArray();
                ious[i][p] = r.PredictedIou;
            }
        }

        int decodes = 0, encodes = 0;
        try
        {
            Task[] tasks = Enumerable.Range(0, Tasks).Select(t => Task.Run(() =>
            {
                for (int n = 0; n < decodesPerTask; n++)
                {
                    int i = (t + n) % images.Length;
                    int p = (t * 7 + n) % prompts[i].Length;
                    if (n % EncodeEvery == 0)
                    {
                        // A fresh embedding of the same image must equal the reference bit for bit, and decode the same.
                        using ImageEmbedding own = model.Encode(images[i]);
                        Interlocked.Increment(ref encodes);
                        Assert.True(own.Values.Span.SequenceEqual(embeddings[i]), $"task {t}: embedding of image {i} differs from the sequential run");
                        AssertSame(model.Decode(own, prompts[i][p]), masks[i][p], ious[i][p], t, i, p);
                    }
                    else
                    {
                        AssertSame(model.Decode(shared[i], prompts[i][p]), masks[i][p], ious[i][p], t, i, p);
                    }

                    Interlocked.Increment(ref decodes);
                }
            })).ToArray();
            await Task.WhenAll(tasks).WaitAsync(HangGuard);
        }
        finally
        {
            foreach (ImageEmbedding e in shared)
            {
                e.Dispose();
            }
        }

        Assert.Equal(Tasks * decodesPerTask, decodes);
        Assert.Equal(Tasks * decodesPerTask / EncodeEvery, encodes);
    }

    [Fact]
    public async Task Dispose_WhileDecodesInFlight_EndsEveryCallCleanly()
    {
        SamOnnxModel model = SamOnnxModel.Load(ReliabilityFixtures.Model("sam-tiny"));
        ImageBuffer image = ReliabilityFixtures.SyntheticImage(64, 48, 5);
        using ImageEmbedding embedding = model.Encode(image);
        SegmentationPrompt prompt = SegmentationPrompt.FromBox(10, 8, 50, 40);
        int completed = 0;
        using var started = new CountdownEvent(Tasks);
        Task<Exception?>[] tasks = Enumerable.Range(0, Tasks).Select(_ => Task.Run<Exception?>(() =>
        {
            started.Signal();
            try
            {
                while (true)
                {
                    Assert.NotNull(model.Decode(embedding, prompt).Mask);
                    Interlocked.Increment(ref completed);
                }
            }
            catch (Exception ex)
            {
                return ex;
            }
        })).ToArray();

        Assert.True(started.Wait(HangGuard), "the decoding tasks did not start");
        SpinWait.SpinUntil(() => Volatile.Read(ref completed) >= Tasks * 4, TimeSpan.FromSeconds(30));
        Task dispose = Task.Run(model.Dispose);
        await dispose.WaitAsync(HangGuard);
        Exception?[] endings = await Task.WhenAll(tasks).WaitAsync(HangGuard);

        // Every call either completed with a result (counted above) or ended with ObjectDisposedException; nothing else.
        Assert.All(endings, ex => Assert.IsType<ObjectDisposedException>(ex));
        Assert.True(completed > 0);
        Assert.Throws<ObjectDisposedException>(() => model.Decode(embedding, prompt));
    }

    [Fact]
    public async Task Dispose_DuringSlowEncode_EndsItWithObjectDisposed()
    {
        SamOnnxModel model = SamOnnxModel.Load(ReliabilityFixtures.Model("slow-encoder"));
        ImageBuffer image = ReliabilityFixtures.SyntheticImage(64, 48, 6);
        Task<ImageEmbedding> encode = Task.Run(() => model.Encode(image));
        await Task.Delay(TimeSpan.FromMilliseconds(100));
        await Task.Run(model.Dispose).WaitAsync(HangGuard);
        Exception? ex = await Record.ExceptionAsync(() => encode.WaitAsync(HangGuard));
        if (ex is null)
        {
            // The encode finished before Dispose reached it: a whole, usable result is the other clean ending.
            using ImageEmbedding e = await encode;
            Assert.Equal(64, e.OriginalWidth);
        }
        else
        {
            Assert.IsType<ObjectDisposedException>(ex);
        }
    }

    [Fact]
    public async Task Encode_CancelledMidRun_ReturnsFarSoonerThanAFullRun()
    {
        using SamOnnxModel model = SamOnnxModel.Load(ReliabilityFixtures.Model("slow-encoder"));
        ImageBuffer image = ReliabilityFixtures.SyntheticImage(64, 48, 7);
        model.Encode(image).Dispose(); // warm-up: first-run allocations and thread start-up do not count below

        var full = Stopwatch.StartNew();
        model.Encode(image).Dispose();
        full.Stop();

        using var cts = new CancellationTokenSource();
        Task<ImageEmbedding> encode = Task.Run(() => model.Encode(image, cts.Token));
        await Task.Delay(full.Elapsed / 4);
        var afterCancel = Stopwatch.StartNew();
        await cts.CancelAsync();
        Exception? ex = await Record.ExceptionAsync(() => encode.WaitAsync(HangGuard));
        afterCancel.Stop();

        Assert.IsAssignableFrom<OperationCanceledException>(ex);

        // ONNX Runtime checks RunOptions.Terminate between nodes; the fixture has 32 nodes of similar cost, so the
        // cancelled call ends within a few nodes. Relative to the measured full run, not an absolute time.
        Assert.True(
            afterCancel.Elapsed < full.Elapsed / 2,
            $"Expected the cancelled encode to end within half a full run ({full.Elapsed.TotalMilliseconds:F0} ms); it took {afterCancel.Elapsed.TotalMilliseconds:F0} ms after the cancel.");
    }

    private static SegmentationPrompt[] PromptsFor(ImageBuffer image)
    {
        int w = image.Width, h = image.Height;
        return [
            SegmentationPrompt.FromBox(w * 0.2f, h * 0.2f, w * 0.8f, h * 0.8f),
            SegmentationPrompt.FromBox(0, 0, w, h),
            SegmentationPrompt.FromPoint(w / 2f, h / 2f),
            SegmentationPrompt.FromPoints(new PromptPoint(w * 0.4f, h * 0.5f), new PromptPoint(1, 1, PointLabel.Negative)),
            new SegmentationPrompt { Box = new PromptBox(w * 0.1f, h * 0.3f, w * 0.6f, h * 0.9f), Points = [new PromptPoint(w * 0.3f, h * 0.6f)] },
            SegmentationPrompt.FromPoint(w - 1, h - 1),
        ];
    }

    private static void AssertSame(SegmentationResult result, byte[] mask, float iou, int task, int image, int prompt)
    {
        Assert.True(result.Mask.Data.SequenceEqual(mask), $"task {task}: mask for image {image}, prompt {prompt} differs from the sequential run");
        Assert.Equal(iou, result.PredictedIou);
    }
}
