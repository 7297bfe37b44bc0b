using BenchmarkDotNet.Attributes;

namespace SkinSam.Sdk.Benchmarks.Inference;

/// <summary>One box prompt against a cached embedding: SDK <c>Decode</c> against a bare decoder run on prepared tensors. Target: SDK overhead at most 1 ms per decode.</summary>
[MemoryDiagnoser]
public class DecoderBenchmarks : SamInferenceBenchmarkBase
{
    /// <summary>Bare ONNX Runtime run on prepared inputs.</summary>
    /// <returns>The first IoU prediction.</returns>
    [Benchmark(Baseline = true)]
    public float BareDecode() => Fixture.BareDecode(0);

    /// <summary>The SDK: prompt to tensors, run, output checks, mask selection, threshold, stability score.</summary>
    /// <returns>The predicted IoU.</returns>
    [Benchmark]
    public float SdkDecode() => Fixture.Model.Decode(Fixture.Embedding, Fixture.Prompts[0]).PredictedIou;
}
