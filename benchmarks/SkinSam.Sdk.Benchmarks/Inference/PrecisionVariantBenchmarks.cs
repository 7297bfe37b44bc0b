using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SkinSam.Sdk.Benchmarks.Infrastructure;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Benchmarks.Inference;

/// <summary>
/// The precision variants of one model against its fp32 folder in the same process on the CPU provider: SDK
/// <c>Encode</c> (600 x 450 image, preprocessing included) and SDK <c>Decode</c> (one box on a cached embedding), fp32 the
/// baseline of each category, so the Ratio column is variant time / fp32 time.
/// </summary>
/// <remarks>
/// The variants are the folders <c>.cache/models/&lt;fp32 folder name&gt;-&lt;precision&gt;</c> written by
/// <c>tools/quantize.py</c> (docs/models.md, "Precision variants"), e.g. <c>.cache/models/skinsam-tiny-int8-qdq</c> and
/// <c>.cache/models/vit_b-random-0-fp16</c>. A model runs only when its three variants are there; the others are listed
/// by <see cref="Describe"/> with the reason.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PrecisionVariantBenchmarks
{
    /// <summary>The variant precisions, as in model.json and in the folder suffix.</summary>
    public static readonly string[] VariantPrecisions = ["fp16", "int8-dynamic", "int8-qdq"];

    /// <summary>The models compared when their variants exist.</summary>
    public static readonly string[] Candidates = ["skinsam-tiny", "vit_b"];

    private readonly Dictionary<string, ISegmentationModel> _models = [];
    private readonly Dictionary<string, ImageEmbedding> _embeddings = [];
    private ImageBuffer _image;
    private SegmentationPrompt _box = SegmentationPrompt.FromBox(150, 100, 450, 350);

    /// <summary>The model's short name (<see cref="BenchmarkModelCatalog"/>).</summary>
    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "skinsam-tiny";

    /// <summary>Models whose fp32 folder and three variant folders exist.</summary>
    /// <returns>Names.</returns>
    public static IEnumerable<string> Models() => Describe().Where(d => d.Usable).Select(d => d.Name);

    /// <summary>Each candidate model with whether it runs and why not.</summary>
    /// <returns>(name, usable, note).</returns>
    public static IEnumerable<(string Name, bool Usable, string Note)> Describe()
    {
        var available = BenchmarkModelCatalog.AvailableNames().ToHashSet(StringComparer.Ordinal);
        foreach (string name in Candidates)
        {
            if (!available.Contains(name))
            {
                yield return (name, false, "fp32 folder absent (BenchmarkModelCatalog)");
                continue;
            }

            string[] missing = [.. VariantPrecisions.Select(p => VariantFolder(name, p)).Where(f => !File.Exists(Path.Combine(f, ModelManifest.FileName)))];
            yield return missing.Length == 0
                ? (name, true, string.Join(", ", VariantPrecisions.Select(p => VariantFolder(name, p))))
                : (name, false, $"variants absent, make them with tools/quantize.py: {string.Join(", ", missing)}");
        }
    }

    /// <summary>The folder of one variant of a model.</summary>
    /// <param name="model">A name from <see cref="BenchmarkModelCatalog"/>.</param>
    /// <param name="precision">One of <see cref="VariantPrecisions"/>.</param>
    /// <returns>The folder path.</returns>
    public static string VariantFolder(string model, string precision) =>
        Path.Combine(RepositoryLayout.CacheFolder, "models", Path.GetFileName(BenchmarkModelCatalog.FolderOf(model)) + "-" + precision);

    /// <summary>Loads fp32 on the CPU provider and encodes the image once (for the decode cases).</summary>
    [GlobalSetup(Targets = new[] { nameof(EncodeFp32), nameof(DecodeFp32) })]
    public void SetupFp32() => Setup("fp32");

    /// <summary>Loads the fp16 variant.</summary>
    [GlobalSetup(Targets = new[] { nameof(EncodeFp16), nameof(DecodeFp16) })]
    public void SetupFp16() => Setup("fp16");

    /// <summary>Loads the int8-dynamic variant.</summary>
    [GlobalSetup(Targets = new[] { nameof(EncodeInt8Dynamic), nameof(DecodeInt8Dynamic) })]
    public void SetupInt8Dynamic() => Setup("int8-dynamic");

    /// <summary>Loads the int8-qdq variant.</summary>
    [GlobalSetup(Targets = new[] { nameof(EncodeInt8Qdq), nameof(DecodeInt8Qdq) })]
    public void SetupInt8Qdq() => Setup("int8-qdq");

    /// <summary>Releases every model and embedding.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (ImageEmbedding e in _embeddings.Values)
        {
            e.Dispose();
        }

        foreach (ISegmentationModel m in _models.Values)
        {
            m.Dispose();
        }

        _embeddings.Clear();
        _models.Clear();
    }

    /// <summary>fp32 encode (the baseline).</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Encode")]
    public void EncodeFp32() => Encode("fp32");

    /// <summary>fp16-weight encode.</summary>
    [Benchmark]
    [BenchmarkCategory("Encode")]
    public void EncodeFp16() => Encode("fp16");

    /// <summary>int8-dynamic encode.</summary>
    [Benchmark]
    [BenchmarkCategory("Encode")]
    public void EncodeInt8Dynamic() => Encode("int8-dynamic");

    /// <summary>int8-qdq encode.</summary>
    [Benchmark]
    [BenchmarkCategory("Encode")]
    public void EncodeInt8Qdq() => Encode("int8-qdq");

    /// <summary>fp32 decode (the baseline).</summary>
    /// <returns>The predicted IoU.</returns>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Decode")]
    public float DecodeFp32() => Decode("fp32");

    /// <summary>fp16-weight decode.</summary>
    /// <returns>The predicted IoU.</returns>
    [Benchmark]
    [BenchmarkCategory("Decode")]
    public float DecodeFp16() => Decode("fp16");

    /// <summary>int8-dynamic decode.</summary>
    /// <returns>The predicted IoU.</returns>
    [Benchmark]
    [BenchmarkCategory("Decode")]
    public float DecodeInt8Dynamic() => Decode("int8-dynamic");

    /// <summary>int8-qdq decode.</summary>
    /// <returns>The predicted IoU.</returns>
    [Benchmark]
    [BenchmarkCategory("Decode")]
    public float DecodeInt8Qdq() => Decode("int8-qdq");

    /// <summary>Each case loads only the folder it measures (a ViT-B session is about 400 MB and seconds to open).</summary>
    private void Setup(string precision)
    {
        _image = SyntheticData.LesionImage(SamInferenceFixture.Width, SamInferenceFixture.Height, seed: 3);
        _box = SegmentationPrompt.FromBox(150, 100, 450, 350);
        Load(precision, precision == "fp32" ? BenchmarkModelCatalog.FolderOf(Model) : VariantFolder(Model, precision), ProviderCatalog.Options("cpu"));
    }

    private void Load(string precision, string folder, ModelOptions options)
    {
        ISegmentationModel model = SegmentationModels.Load(folder, options);
        _models[precision] = model;
        string expected = precision == "fp32" ? nameof(ModelPrecision.Fp32) : precision.Replace("-", string.Empty, StringComparison.Ordinal);
        if (!string.Equals(model.Info.Precision.ToString(), expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Expected {folder} to be a {precision} model; its model.json says {model.Info.Precision}.");
        }

        _embeddings[precision] = model.Encode(_image);
    }

    private void Encode(string precision)
    {
        using ImageEmbedding embedding = _models[precision].Encode(_image);
    }

    private float Decode(string precision) => _models[precision].Decode(_embeddings[precision], _box).PredictedIou;
}
