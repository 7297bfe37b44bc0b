using BenchmarkDotNet.Attributes;

namespace SkinSam.Sdk.Benchmarks.Inference;

/// <summary>The image encoder: SDK <c>Encode</c> (preprocessing included) against a bare <c>InferenceSession.Run</c> on the already preprocessed tensor. Target: SDK overhead at most 2 % of the encoder time.</summary>
[MemoryDiagnoser]
public class EncoderBenchmarks : SamInferenceBenchmarkBase
{
    /// <summary>Bare ONNX Runtime run, same session options, preallocated input and output.</summary>
    [Benchmark(Baseline = true)]
    public void BareEncode() => Fixture.BareEncode();

    /// <summary>The SDK: preprocess, run, check, wrap the embedding (released at once).</summary>
    [Benchmark]
    public void SdkEncode()
    {
        using var embedding = Fixture.Model.Encode(Fixture.Image);
    }
}
