using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Benchmarks.Infrastructure;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Preprocessing;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Benchmarks.Inference;

/// <summary>
/// (c) GPU throughput, only when CUDA is usable (no cases otherwise). By default the SDK's <c>Segment</c> copies
/// the embedding to the host and back; with <see cref="ModelOptions.DeviceResidentEmbeddings"/> it keeps it in CUDA
/// memory (<c>SdkSegmentDeviceResident</c>). The I/O-binding variant is also written here with raw ONNX Runtime (<see cref="OrtIoBinding"/>): the encoder's output is bound to CUDA memory and fed
/// to the decoder from there, measuring what device-resident embeddings could give. Per image: SDK
/// preprocessing, encode, one box decode.
/// </summary>
[MemoryDiagnoser]
public class GpuIoBindingBenchmarks
{
    private const int StreamLength = 4;
    private readonly List<OrtValue> _values = [];
    private ImageBuffer[] _images = [];
    private ISegmentationModel? _model;
    private ISegmentationModel? _deviceModel;
    private SessionOptions? _options;
    private InferenceSession? _encoder;
    private InferenceSession? _decoder;
    private OrtMemoryInfo? _cuda;
    private RunOptions? _run;
    private float[] _input = [];
    private OrtValue? _inputValue;
    private List<(string Name, OrtValue Value)> _prompt = [];

    /// <summary>The model's short name.</summary>
    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "tiny";

    /// <summary>cuda when usable; nothing otherwise, so the suite has no cases.</summary>
    [ParamsSource(nameof(Providers))]
    public string Provider { get; set; } = "cuda";

    /// <summary>The available models.</summary>
    /// <returns>Names.</returns>
    public static IEnumerable<string> Models() => BenchmarkModelCatalog.AvailableNames();

    /// <summary>cuda, when usable.</summary>
    /// <returns>Names.</returns>
    public static IEnumerable<string> Providers() => ProviderCatalog.CudaOnly();

    /// <summary>Loads the SDK model and the bare sessions on CUDA and prepares the bindings' host inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string folder = BenchmarkModelCatalog.FolderOf(Model);
        var options = ProviderCatalog.Options(Provider);
        _model = SegmentationModels.Load(folder, options);
        _deviceModel = SegmentationModels.Load(folder, new ModelOptions
        {
            Providers = options.Providers,
            AllowCpuFallback = options.AllowCpuFallback,
            IntraOpThreads = options.IntraOpThreads,
            InterOpThreads = options.InterOpThreads,
            OptimizationLevel = options.OptimizationLevel,
            EnableMemoryPattern = options.EnableMemoryPattern,
            EnableCpuMemArena = options.EnableCpuMemArena,
            DeviceResidentEmbeddings = true,
        });
        _options = options.CreateSessionOptions();
        ProviderCatalog.Create(Provider).AppendTo(_options, OrtEnv.Instance().GetAvailableProviders());
        _encoder = new InferenceSession(Path.Combine(folder, _model.Info.Manifest.EncoderFile), _options);
        _decoder = new InferenceSession(Path.Combine(folder, _model.Info.Manifest.DecoderFile), _options);
        _cuda = new OrtMemoryInfo("Cuda", OrtAllocatorType.DeviceAllocator, 0, OrtMemType.Default);
        _run = new RunOptions();
        _images = [.. Enumerable.Range(0, StreamLength).Select(i => SyntheticData.LesionImage(SamInferenceFixture.Width, SamInferenceFixture.Height, seed: 10 + i))];
        _input = new float[3 * 1024 * 1024];
        _inputValue = Track(OrtValue.CreateTensorValueFromMemory(_input, [1, 3, 1024, 1024]));
        (int rw, int rh) = SamPreprocessor.GetResizedSize(SamInferenceFixture.Width, SamInferenceFixture.Height);
        (float[] coords, float[] labels) = SamOnnxModel.BuildPointInputs(SegmentationPrompt.FromBox(150, 100, 450, 350), rw / (double)SamInferenceFixture.Width, rh / (double)SamInferenceFixture.Height);
        _prompt =
        [
            ("point_coords", Track(OrtValue.CreateTensorValueFromMemory(coords, [1, labels.Length, 2]))),
            ("point_labels", Track(OrtValue.CreateTensorValueFromMemory(labels, [1, labels.Length]))),
            ("mask_input", Track(OrtValue.CreateTensorValueFromMemory(new float[256 * 256], [1, 1, 256, 256]))),
            ("has_mask_input", Track(OrtValue.CreateTensorValueFromMemory(new float[1], [1]))),
        ];
        if (_decoder.InputMetadata.ContainsKey("orig_im_size"))
        {
            _prompt.Add(("orig_im_size", Track(OrtValue.CreateTensorValueFromMemory(new float[] { SamInferenceFixture.Height, SamInferenceFixture.Width }, [2]))));
        }
    }

    /// <summary>Releases everything in reverse order.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (OrtValue v in _values)
        {
            v.Dispose();
        }

        _values.Clear();
        _run?.Dispose();
        _cuda?.Dispose();
        _decoder?.Dispose();
        _encoder?.Dispose();
        _options?.Dispose();
        _deviceModel?.Dispose();
        _model?.Dispose();
    }

    /// <summary>The SDK on CUDA: the embedding goes to the host and back.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = StreamLength)]
    public void SdkSegment()
    {
        foreach (ImageBuffer image in _images)
        {
            _ = _model!.Segment(image, SegmentationPrompt.FromBox(150, 100, 450, 350));
        }
    }

    /// <summary>The SDK with <see cref="ModelOptions.DeviceResidentEmbeddings"/>: the embedding stays in CUDA memory between encode and decode.</summary>
    [Benchmark(OperationsPerInvoke = StreamLength)]
    public void SdkSegmentDeviceResident()
    {
        foreach (ImageBuffer image in _images)
        {
            _ = _deviceModel!.Segment(image, SegmentationPrompt.FromBox(150, 100, 450, 350));
        }
    }

    /// <summary>Raw ORT I/O binding: the embedding stays in CUDA memory between encode and decode.</summary>
    [Benchmark(OperationsPerInvoke = StreamLength)]
    public void IoBindingDeviceEmbedding()
    {
        var preprocessor = new SamPreprocessor();
        foreach (ImageBuffer image in _images)
        {
            preprocessor.Preprocess(image, _input);
            using OrtIoBinding encode = _encoder!.CreateIoBinding();
            encode.BindInput("image", _inputValue!);
            encode.BindOutputToDevice("image_embeddings", _cuda!);
            _encoder.RunWithBinding(_run!, encode);
            using IDisposableReadOnlyCollection<OrtValue> embedding = encode.GetOutputValues();

            using OrtIoBinding decode = _decoder!.CreateIoBinding();
            decode.BindInput("image_embeddings", embedding[0]);
            foreach ((string name, OrtValue value) in _prompt)
            {
                decode.BindInput(name, value);
            }

            foreach (string name in _decoder.OutputMetadata.Keys)
            {
                decode.BindOutputToDevice(name, OrtMemoryInfo.DefaultInstance);
            }

            _decoder.RunWithBinding(_run!, decode);
            using IDisposableReadOnlyCollection<OrtValue> outputs = decode.GetOutputValues();
        }
    }

    private OrtValue Track(OrtValue value)
    {
        _values.Add(value);
        return value;
    }
}
