using BenchmarkDotNet.Attributes;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Benchmarks.Infrastructure;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Benchmarks.Inference;

/// <summary>
/// Images per second over a stream of distinct 600 x 450 images, each segmented with one box prompt
/// (SDK <c>Segment</c>: encode + decode). Times are per image (OperationsPerInvoke), so images/s = 1 / Mean.
/// (a) one model, ONNX Runtime's default intra-op threads (all physical cores); (b) one model per core with one
/// intra-op thread each, images spread over them in parallel. CPU only; the GPU variant is <see cref="GpuIoBindingBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class ThroughputBenchmarks
{
    /// <summary>Images per invocation.</summary>
    public const int StreamLength = 4;

    private readonly List<ISegmentationModel> _models = [];
    private ImageBuffer[] _images = [];
    private ISegmentationModel? _shared;

    /// <summary>The model's short name.</summary>
    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "tiny";

    /// <summary>The available models.</summary>
    /// <returns>Names.</returns>
    public static IEnumerable<string> Models() => BenchmarkModelCatalog.AvailableNames();

    /// <summary>Loads one all-threads model and one single-thread model per core; builds the image stream.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string folder = BenchmarkModelCatalog.FolderOf(Model);
        _images = [.. Enumerable.Range(0, StreamLength).Select(i => SyntheticData.LesionImage(SamInferenceFixture.Width, SamInferenceFixture.Height, seed: 10 + i))];
        _shared = SegmentationModels.Load(folder, ProviderCatalog.Options("cpu"));
        for (int i = 0; i < Environment.ProcessorCount; i++)
        {
            _models.Add(SegmentationModels.Load(folder, ProviderCatalog.Options("cpu", intraOpThreads: 1)));
        }
    }

    /// <summary>Releases the models.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _shared?.Dispose();
        foreach (ISegmentationModel m in _models)
        {
            m.Dispose();
        }

        _models.Clear();
    }

    /// <summary>(a) One session, all intra-op threads, images one after another.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = StreamLength)]
    public void OneSessionAllThreads()
    {
        ISegmentationModel model = _shared!;
        foreach (ImageBuffer image in _images)
        {
            _ = model.Segment(image, SegmentationPrompt.FromBox(150, 100, 450, 350));
        }
    }

    /// <summary>(b) One single-threaded session per core, images in parallel.</summary>
    [Benchmark(OperationsPerInvoke = StreamLength)]
    public void SessionPerCoreOneThread()
    {
        int workers = _models.Count;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            for (int i = w; i < _images.Length; i += workers)
            {
                _ = _models[w].Segment(_images[i], SegmentationPrompt.FromBox(150, 100, 450, 350));
            }
        });
    }
}
