using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SkinSam.Sdk.Benchmarks.Infrastructure;
using SkinSam.Sdk.Postprocessing;

namespace SkinSam.Sdk.Benchmarks.Postprocessing;

/// <summary>Low-res 256 x 256 logits to a 600 x 450 mask: upsampling, threshold, stability score; each against its scalar baseline.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PostprocessingBenchmarks
{
    private const int Width = 600;
    private const int Height = 450;
    private float[] _lowRes = [];
    private float[] _logits = [];
    private byte[] _mask = [];

    /// <summary>Builds the logits and checks the SDK against the scalar references.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _lowRes = SyntheticData.LowResLogits(seed: 2);
        _logits = new float[Width * Height];
        _mask = new byte[Width * Height];
        float[] reference = ScalarMaskPostprocessing.Upsample(_lowRes, Width, Height);
        MaskLogitUpsampler.Upsample(_lowRes, Width, Height, _logits);
        double worst = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(reference[i] - _logits[i]));
        }

        if (worst > 1e-3)
        {
            throw new InvalidOperationException($"Expected the SDK upsampling to match the scalar two-step reference within 1e-3; got {worst}.");
        }

        float a = StabilityScore.Compute(_logits), b = ScalarMaskPostprocessing.Stability(_logits, 0f, 1f);
        if (a != b)
        {
            throw new InvalidOperationException($"Expected equal stability scores; got SDK {a} and scalar {b}.");
        }
    }

    /// <summary>Scalar two-step bilinear upsampling, as the reference does it.</summary>
    /// <returns>The logits.</returns>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Upsample")]
    public float[] UpsampleScalar() => ScalarMaskPostprocessing.Upsample(_lowRes, Width, Height);

    /// <summary>The SDK's composed single-pass upsampling into a caller's buffer.</summary>
    [Benchmark]
    [BenchmarkCategory("Upsample")]
    public void UpsampleSdk() => MaskLogitUpsampler.Upsample(_lowRes, Width, Height, _logits);

    /// <summary>Scalar threshold loop.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Threshold")]
    public void ThresholdScalar() => ScalarMaskPostprocessing.Threshold(_logits, _mask, 0f);

    /// <summary>The SDK's vectorised threshold.</summary>
    [Benchmark]
    [BenchmarkCategory("Threshold")]
    public void ThresholdSdk() => MaskThreshold.Apply(_logits, _mask, 0f);

    /// <summary>Scalar stability score.</summary>
    /// <returns>The score.</returns>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Stability")]
    public float StabilityScalar() => ScalarMaskPostprocessing.Stability(_logits, 0f, 1f);

    /// <summary>The SDK's vectorised stability score.</summary>
    /// <returns>The score.</returns>
    [Benchmark]
    [BenchmarkCategory("Stability")]
    public float StabilitySdk() => StabilityScore.Compute(_logits);
}
