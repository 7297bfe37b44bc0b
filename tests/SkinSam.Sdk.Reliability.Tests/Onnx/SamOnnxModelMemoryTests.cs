using System.Diagnostics;
using System.Runtime.InteropServices;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;
using Xunit.Abstractions;

namespace SkinSam.Sdk.Reliability.Tests.Onnx;

/// <summary>
/// The memory tests measure the whole process (RSS) and the model's tracking pool, so nothing else may run
/// beside them: xunit runs this collection alone, after the parallel ones. (Run in parallel with the concurrency
/// tests, an earlier version saw +880 MB of RSS that belonged to those tests.)
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemoryCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "process memory (runs alone)";
}

/// <summary>Repeated encode and decode do not grow managed or native memory, and every pooled buffer goes back.</summary>
[Collection(ProcessMemoryCollection.Name)]
[Trait("Category", "Long")]
public sealed partial class SamOnnxModelMemoryTests(ITestOutputHelper output)
{
    // Bounds, documented in docs/errors.md. RSS is read after a full GC and, on glibc, malloc_trim(0), so that
    // pages the allocators keep cached but unused do not count as growth; the raw RSS is printed beside it.
    // Native memory is RSS minus the GC's committed bytes: the GC keeps freed regions committed for a while,
    // which moved the test host's RSS by +-15 MB between samples while the managed heap stayed flat.
    private const long ManagedGrowthBound = 4L * 1024 * 1024;
    private const long NativeGrowthBound = 48L * 1024 * 1024;

    private static readonly SegmentationPrompt[] Prompts =
    [
        SegmentationPrompt.FromBox(8, 6, 40, 30),
        SegmentationPrompt.FromPoint(24, 18),
        SegmentationPrompt.FromPoints(new PromptPoint(20, 20), new PromptPoint(2, 2, PointLabel.Negative)),
    ];

    /// <summary>
    /// The numbers: 500 encodes and 10,000 decodes on the tiny model. Its low-res-only export is used here
    /// (the SDK upsamples the 256x256 logits itself, so this also exercises the SDK's own upsampling buffers);
    /// the in-graph upsampling export costs ~30 ms a decode and would take five minutes for the same count.
    /// </summary>
    [Fact]
    public void EncodeDecodeLoop_500EncodesAnd10000Decodes_MemoryStaysFlatAndPoolDrains() =>
        RunLoop("sam-tiny-lowres", warmupEncodes: 25, encodes: 500, decodesPerEncode: 20, sampleEveryEncodes: 50);

    /// <summary>The multimask export with the masks upsampled in the graph (ONNX Runtime allocates the outputs).</summary>
    [Fact]
    public void EncodeDecodeLoop_InGraphUpsampling_MemoryStaysFlatAndPoolDrains() =>
        RunLoop("sam-tiny", warmupEncodes: 5, encodes: 20, decodesPerEncode: 15, sampleEveryEncodes: 5);

    private void RunLoop(string fixture, int warmupEncodes, int encodes, int decodesPerEncode, int sampleEveryEncodes)
    {
        var pool = new TensorBufferPool(tracking: true);
        using SamOnnxModel model = SamOnnxModel.Load(ReliabilityFixtures.Model(fixture), null, pool);
        ImageBuffer image = ReliabilityFixtures.SyntheticImage(48, 36, 8);
        var options = new DecodeOptions { MultimaskOutput = true, ReturnLogits = true };
        long poolAtStart = pool.Outstanding;

        var clock = Stopwatch.StartNew();
        Run(model, image, options, warmupEncodes, decodesPerEncode);
        Assert.Equal(poolAtStart, pool.Outstanding);
        Sample baseline = Measure();
        output.WriteLine($"{fixture}: warm-up {warmupEncodes} encodes + {warmupEncodes * decodesPerEncode} decodes in {clock.Elapsed.TotalSeconds:F1} s; {baseline}");

        var samples = new List<Sample>();
        int decodes = 0;
        clock.Restart();
        for (int done = 0; done < encodes; done += sampleEveryEncodes)
        {
            int block = Math.Min(sampleEveryEncodes, encodes - done);
            decodes += Run(model, image, options, block, decodesPerEncode);
            Assert.Equal(poolAtStart, pool.Outstanding);
            Sample s = Measure();
            samples.Add(s);
            output.WriteLine($"  after {done + block} encodes, {decodes} decodes: {s}");
        }

        clock.Stop();

        // An embedding holds one pooled buffer until it is disposed, and gives it back then (twice is harmless).
        ImageEmbedding kept = model.Encode(image);
        long poolWhileKept = pool.Outstanding;
        kept.Dispose();
        kept.Dispose();
        long poolAfterDispose = pool.Outstanding;

        Sample last = samples[^1];
        long worstNative = samples.Max(s => s.Native);
        output.WriteLine(
            $"{encodes} encodes + {decodes} decodes in {clock.Elapsed.TotalSeconds:F1} s; managed {Mib(last.Managed - baseline.Managed)}, " +
            $"native {Mib(last.Native - baseline.Native)} (largest sample {Mib(worstNative - baseline.Native)}), RSS {Mib(last.Rss - baseline.Rss)}, raw RSS {Mib(last.RawRss - baseline.RawRss)}; " +
            $"pool outstanding start {poolAtStart}, with one embedding {poolWhileKept}, after dispose {poolAfterDispose}");

        Assert.Equal(encodes * decodesPerEncode, decodes);
        Assert.Equal(poolAtStart + 1, poolWhileKept);
        Assert.Equal(poolAtStart, poolAfterDispose);
        Assert.True(last.Managed - baseline.Managed < ManagedGrowthBound, $"Expected managed memory to grow by less than {Mib(ManagedGrowthBound)}; got {Mib(last.Managed - baseline.Managed)}.");
        Assert.True(worstNative - baseline.Native < NativeGrowthBound, $"Expected native memory (RSS minus GC-committed) to stay within {Mib(NativeGrowthBound)} of the warm-up level at every sample; got {Mib(worstNative - baseline.Native)}.");
    }

    private static int Run(SamOnnxModel model, ImageBuffer image, DecodeOptions options, int encodes, int decodesPerEncode)
    {
        int decodes = 0;
        for (int e = 0; e < encodes; e++)
        {
            using ImageEmbedding embedding = model.Encode(image);
            for (int d = 0; d < decodesPerEncode; d++)
            {
                SegmentationResult r = model.Decode(embedding, Prompts[d % Prompts.Length], options);
                Assert.Equal(image.Width, r.Mask.Width);
                decodes++;
            }
        }

        return decodes;
    }

    private static Sample Measure()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        long managed = GC.GetTotalMemory(forceFullCollection: true);
        long raw = ReadRss();
        TrimNativeHeap();
        return new Sample(managed, ReadRss(), raw, GC.GetGCMemoryInfo().TotalCommittedBytes);
    }

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024.0):+0.0;-0.0;0.0} MiB";

    private static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): the raw RSS is all there is.
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

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

    private readonly record struct Sample(long Managed, long Rss, long RawRss, long GcCommitted)
    {
        public long Native => Rss - GcCommitted;

        public override string ToString() =>
            $"managed {Managed / 1024} KiB, GC committed {GcCommitted / 1024} KiB, RSS {Rss / 1024} KiB (before malloc_trim {RawRss / 1024} KiB), native {Native / 1024} KiB";
    }
}
