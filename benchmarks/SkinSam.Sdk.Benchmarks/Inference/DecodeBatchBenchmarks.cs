using BenchmarkDotNet.Attributes;
using SkinSam.Sdk.Benchmarks.Infrastructure;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Benchmarks.Inference;

/// <summary>
/// <c>DecodeBatch</c> of B point prompts on one embedding: the looped decoder (models/test-fixtures/sam-tiny, batch size
/// 1) against the same weights exported with a prompt-batch axis (sam-tiny-batch, runs of up to 16 prompts), in the same
/// run. Time per prompt = mean / B. For the ViT-B decoder export a random ViT-B with
/// <c>tools/export.py --random-init vit_b --decoder-batch-axis</c> and point <c>SKINSAM_BENCH_BATCH_FOLDERS</c> at
/// "looped-folder;batched-folder".
/// </summary>
[MemoryDiagnoser]
public class DecodeBatchBenchmarks
{
    private ISegmentationModel? _looped;
    private ISegmentationModel? _batched;
    private ImageEmbedding? _loopedEmbedding;
    private ImageEmbedding? _batchedEmbedding;
    private SegmentationPrompt[] _prompts = [];

    /// <summary>Prompts per call.</summary>
    [Params(1, 8, 64)]
    public int B { get; set; } = 8;

    /// <summary>Loads both models and encodes one image with each.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string root = RepositoryLayout.RootOrNull ?? Directory.GetCurrentDirectory();
        string[] folders = Environment.GetEnvironmentVariable("SKINSAM_BENCH_BATCH_FOLDERS") is { Length: > 0 } f
            ? f.Split(';')
            : [Path.Combine(root, "models", "test-fixtures", "sam-tiny"), Path.Combine(root, "models", "test-fixtures", "sam-tiny-batch")];
        _looped = SegmentationModels.Load(folders[0]);
        _batched = SegmentationModels.Load(folders[1]);
        ImageBuffer image = SyntheticData.LesionImage(600, 450, seed: 3);
        _loopedEmbedding = _looped.Encode(image);
        _batchedEmbedding = _batched.Encode(image);
        var random = new Random(5);
        _prompts = [.. Enumerable.Range(0, B).Select(_ => SegmentationPrompt.FromPoint(random.Next(600), random.Next(450)))];
        CheckBatchedEqualsLooped();
    }

    // The timing means nothing unless the batched decoder gives the looped decoder's answers: masks identical and
    // predicted IoU within 1e-5 for every prompt (the same weights, exported with and without the batch axis).
    private void CheckBatchedEqualsLooped()
    {
        IReadOnlyList<SegmentationResult> looped = _looped!.DecodeBatch(_loopedEmbedding!, _prompts);
        IReadOnlyList<SegmentationResult> batched = _batched!.DecodeBatch(_batchedEmbedding!, _prompts);
        int differingPixels = 0;
        double maxIouDifference = 0;
        for (int i = 0; i < _prompts.Length; i++)
        {
            ReadOnlySpan<byte> a = looped[i].Mask.Data;
            ReadOnlySpan<byte> b = batched[i].Mask.Data;
            for (int p = 0; p < a.Length; p++)
            {
                differingPixels += a[p] == b[p] ? 0 : 1;
            }

            maxIouDifference = Math.Max(maxIouDifference, Math.Abs(looped[i].PredictedIou - batched[i].PredictedIou));
        }

        Console.WriteLine($"// DecodeBatch B={B}: batched vs looped, {differingPixels} differing mask pixels, max |predicted IoU difference| {maxIouDifference:E2}");
        if (differingPixels != 0 || maxIouDifference > 1e-5)
        {
            throw new InvalidOperationException($"Expected the batched decoder to equal the looped one (0 differing pixels, IoU within 1e-5); got {differingPixels} pixels and {maxIouDifference:E2}.");
        }
    }

    /// <summary>Releases everything.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _loopedEmbedding?.Dispose();
        _batchedEmbedding?.Dispose();
        _looped?.Dispose();
        _batched?.Dispose();
    }

    /// <summary>One decoder run per prompt.</summary>
    /// <returns>The last predicted IoU.</returns>
    [Benchmark(Baseline = true)]
    public float Looped() => _looped!.DecodeBatch(_loopedEmbedding!, _prompts)[^1].PredictedIou;

    /// <summary>One decoder run per 16 prompts.</summary>
    /// <returns>The last predicted IoU.</returns>
    [Benchmark]
    public float Batched() => _batched!.DecodeBatch(_batchedEmbedding!, _prompts)[^1].PredictedIou;
}
