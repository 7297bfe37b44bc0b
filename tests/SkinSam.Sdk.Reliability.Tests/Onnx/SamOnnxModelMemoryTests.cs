using System.Diagnostics;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;
using Xunit.Abstractions;

namespace SkinSam.Sdk.Reliability.Tests.Onnx;

/// <summary>Repeated encode and decode do not grow managed or native memory, and every pooled buffer goes back.</summary>
public sealed class SamOnnxModelMemoryTests(ITestOutputHelper output)
{
    private const int Encodes = 20;
    private const int DecodesPerEncode = 75; // 1,500 decodes in all (sam-tiny decodes take ~30 ms here: the graph upsamples 4 masks to 1024)

    // Bounds, documented in docs/errors.md: after a warm-up of the same work, the whole loop may add at most this much.
    private const long ManagedGrowthBound = 4L * 1024 * 1024;
    private const long NativeGrowthBound = 48L * 1024 * 1024;

    [Fact(Skip = "Open finding (issue 7): process RSS grows during repeated encode/decode on sam-tiny while the managed heap and the pool counter stay flat: +188 MB over 500 encodes + 10,000 decodes, and +880 MB over 20 encodes + 1,500 decodes in one fresh-clone CI run (the same test passed twice before). Not diagnosed yet; un-skip with the fix.")]
    public void EncodeDecodeLoop_RepeatedCalls_MemoryStaysFlatAndPoolDrains()
    {
        using SamOnnxModel model = SamOnnxModel.Load(ReliabilityFixtures.Model("sam-tiny"));
        ImageBuffer image = ReliabilityFixtures.SyntheticImage(48, 36, 8);
        SegmentationPrompt[] prompts = [
            SegmentationPrompt.FromBox(8, 6, 40, 30),
            SegmentationPrompt.FromPoint(24, 18),
            SegmentationPrompt.FromPoints(new PromptPoint(20, 20), new PromptPoint(2, 2, PointLabel.Negative)),
        ];
        var options = new DecodeOptions { MultimaskOutput = true, ReturnLogits = true };
        long poolAtStart = PoolAccounting.Outstanding;

        var warm = Stopwatch.StartNew();
        Run(model, image, prompts, options, encodes: 5);
        output.WriteLine($"warm-up: 5 encodes + {5 * DecodesPerEncode} decodes in {warm.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(poolAtStart, PoolAccounting.Outstanding);
        (long managedBefore, long rssBefore) = Measure();

        var clock = Stopwatch.StartNew();
        int decodes = Run(model, image, prompts, options, Encodes);
        clock.Stop();
        long poolAfterLoop = PoolAccounting.Outstanding;
        (long managedAfter, long rssAfter) = Measure();

        // An embedding holds one pooled buffer until it is disposed, and gives it back then.
        ImageEmbedding kept = model.Encode(image);
        long poolWhileKept = PoolAccounting.Outstanding;
        kept.Dispose();
        kept.Dispose();
        long poolAfterDispose = PoolAccounting.Outstanding;

        output.WriteLine(
            $"{Encodes} encodes + {decodes} decodes in {clock.Elapsed.TotalSeconds:F1} s; managed {managedBefore / 1024} KiB -> {managedAfter / 1024} KiB " +
            $"({(managedAfter - managedBefore) / 1024:+#;-#;0} KiB); RSS {rssBefore / 1024} KiB -> {rssAfter / 1024} KiB ({(rssAfter - rssBefore) / 1024:+#;-#;0} KiB); " +
            $"pool outstanding start {poolAtStart}, after loop {poolAfterLoop}, with one embedding {poolWhileKept}, after dispose {poolAfterDispose}");

        Assert.Equal(Encodes * DecodesPerEncode, decodes);
        Assert.Equal(poolAtStart, poolAfterLoop);
        Assert.Equal(poolAtStart + 1, poolWhileKept);
        Assert.Equal(poolAtStart, poolAfterDispose);
        Assert.True(managedAfter - managedBefore < ManagedGrowthBound, $"Expected managed memory to grow by less than {ManagedGrowthBound / 1024} KiB; got {(managedAfter - managedBefore) / 1024} KiB.");
        Assert.True(rssAfter - rssBefore < NativeGrowthBound, $"Expected the process RSS to grow by less than {NativeGrowthBound / 1024} KiB; got {(rssAfter - rssBefore) / 1024} KiB.");
    }

    private static int Run(SamOnnxModel model, ImageBuffer image, SegmentationPrompt[] prompts, DecodeOptions options, int encodes)
    {
        int decodes = 0;
        for (int e = 0; e < encodes; e++)
        {
            using ImageEmbedding embedding = model.Encode(image);
            for (int d = 0; d < DecodesPerEncode; d++)
            {
                SegmentationResult r = model.Decode(embedding, prompts[d % prompts.Length], options);
                Assert.Equal(image.Width, r.Mask.Width);
                decodes++;
            }
        }

        return decodes;
    }

    private static (long Managed, long Rss) Measure()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return (GC.GetTotalMemory(forceFullCollection: true), ReadRss());
    }

    private static long ReadRss()
    {
        // Linux: VmRSS in /proc/self/status (kB). Elsewhere the working set stands in for it.
        const string path = "/proc/self/status";
        if (File.Exists(path))
        {
            foreach (string line in File.ReadLines(path))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    string kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }

        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}
