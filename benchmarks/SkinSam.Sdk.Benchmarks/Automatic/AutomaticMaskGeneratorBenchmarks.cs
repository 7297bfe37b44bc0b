using BenchmarkDotNet.Attributes;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Automatic;
using SkinSam.Sdk.Benchmarks.Infrastructure;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Benchmarks.Automatic;

/// <summary>
/// "Segment everything" on one 600 x 450 synthetic lesion image: the whole generator (one encode, PointsPerSide^2 decodes,
/// filters, NMS, RLE), the same with the small-region pass, and the same through DecodeBatch (<c>UseLowResDecode = false</c>: every
/// candidate's full result before the filters: the generator's path before the predicted-IoU filter moved ahead of the
/// upsampling, and still the path of models without the low-level decode), so the Allocated column compares the two
/// in one run. Masks per second = <see cref="MaskCount"/> (printed at
/// setup) / the mean time per operation. Thresholds are lowered to 0.4 so the random-weight tiny fixture keeps masks; <c>skinsam-tiny</c> is the trained
/// default model (a real masks-per-second figure on a dermoscopy-like image).
/// </summary>
[MemoryDiagnoser]
public class AutomaticMaskGeneratorBenchmarks
{
    private ISegmentationModel? _model;
    private ImageBuffer _image;
    private AutomaticMaskGenerator? _generator;
    private AutomaticMaskGenerator? _withSmallRegions;
    private AutomaticMaskGenerator? _throughDecodeBatch;

    /// <summary>The model's short name (see <see cref="BenchmarkModelCatalog"/>).</summary>
    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "tiny";

    /// <summary>The SAM v1 models of the selection (SKINSAM_BENCH_MODELS) that are present: <c>tiny</c> and <c>skinsam-tiny</c>.</summary>
    /// <returns>Their names.</returns>
    public static IEnumerable<string> Models() => BenchmarkModelCatalog.AvailableNames().Where(n => n is "tiny" or "skinsam-tiny");

    /// <summary>Points per side of the grid.</summary>
    [Params(8, 16)]
    public int PointsPerSide { get; set; } = 8;

    /// <summary>Masks one <see cref="Generate"/> returns.</summary>
    public int MaskCount { get; private set; }

    /// <summary>Loads the model, builds the image and counts the masks once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = SegmentationModels.Load(BenchmarkModelCatalog.FolderOf(Model));
        _image = SyntheticData.LesionImage(600, 450, seed: 7);
        var options = new AutomaticMaskGeneratorOptions { PointsPerSide = PointsPerSide, PredIouThresh = 0.4, StabilityScoreThresh = 0.4, OutputMode = AutomaticMaskOutputMode.CocoRle };
        _generator = new AutomaticMaskGenerator(_model, options);
        _withSmallRegions = new AutomaticMaskGenerator(_model, new AutomaticMaskGeneratorOptions
        {
            PointsPerSide = PointsPerSide, PredIouThresh = 0.4, StabilityScoreThresh = 0.4, OutputMode = AutomaticMaskOutputMode.CocoRle, MinMaskRegionArea = 100,
        });
        _throughDecodeBatch = new AutomaticMaskGenerator(_model, options) { UseLowResDecode = false };
        MaskCount = _generator.Generate(_image).Count;
        if (_throughDecodeBatch.Generate(_image).Count != MaskCount)
        {
            throw new InvalidOperationException("Expected the same masks through DecodeBatch as through the low-level decode; got another count.");
        }

        Console.WriteLine($"// AutomaticMaskGenerator {Model}, {PointsPerSide}x{PointsPerSide} points: {MaskCount} masks per image");
    }

    /// <summary>Releases the model.</summary>
    [GlobalCleanup]
    public void Cleanup() => _model?.Dispose();

    /// <summary>The generator with the published pipeline (no small-region pass).</summary>
    /// <returns>The number of masks.</returns>
    [Benchmark(Baseline = true)]
    public int Generate() => _generator!.Generate(_image).Count;

    /// <summary>The same with <c>MinMaskRegionArea = 100</c>.</summary>
    /// <returns>The number of masks.</returns>
    [Benchmark]
    public int GenerateWithSmallRegionPass() => _withSmallRegions!.Generate(_image).Count;

    /// <summary>The generator through DecodeBatch (<c>UseLowResDecode = false</c>): every candidate's mask built before the filters.</summary>
    /// <returns>The number of masks.</returns>
    [Benchmark]
    public int GenerateThroughDecodeBatch() => _throughDecodeBatch!.Generate(_image).Count;
}
