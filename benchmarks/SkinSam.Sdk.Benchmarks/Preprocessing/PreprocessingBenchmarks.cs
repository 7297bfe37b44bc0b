using BenchmarkDotNet.Attributes;
using SkinSam.Sdk.Benchmarks.Infrastructure;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Benchmarks.Preprocessing;

/// <summary>600 x 450 RGB to the 1 x 3 x 1024 x 1024 SAM input, on one core. Target: SDK at most 2 ms.</summary>
[MemoryDiagnoser]
public class PreprocessingBenchmarks
{
    private const int Width = 600;
    private const int Height = 450;
    private readonly SamPreprocessor _preprocessor = new();
    private ImageBuffer _image;
    private byte[] _rgb = [];
    private float[] _tensor = [];

    /// <summary>Builds the image and checks that the SDK and the scalar reference agree before timing them.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _image = SyntheticData.LesionImage(Width, Height, seed: 1);
        _rgb = _image.Pixels.ToArray();
        _tensor = new float[_preprocessor.TensorLength];
        var reference = new float[_preprocessor.TensorLength];
        ScalarSamPreprocessor.Preprocess(_rgb, Width, Height, reference);
        _preprocessor.Preprocess(_image, _tensor);
        double worst = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(reference[i] - _tensor[i]));
        }

        if (worst > 1e-4)
        {
            throw new InvalidOperationException($"Expected the SDK preprocessing to match the scalar reference within 1e-4; got a largest difference of {worst}.");
        }
    }

    /// <summary>The straightforward scalar implementation.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => ScalarSamPreprocessor.Preprocess(_rgb, Width, Height, _tensor);

    /// <summary>The SDK's vectorised, pooled implementation.</summary>
    [Benchmark]
    public void Sdk() => _preprocessor.Preprocess(_image, _tensor);
}
