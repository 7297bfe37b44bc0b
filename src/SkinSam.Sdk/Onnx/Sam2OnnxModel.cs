using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Diagnostics;
using SkinSam.Sdk.ExecutionProviders;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// A SAM 2.1 model in image mode (<c>SAM2ImagePredictor</c>) running on ONNX Runtime from a model folder:
/// <c>encoder.onnx</c> (Hiera trunk and FPN neck: <c>image_embed</c>, <c>high_res_feats_0</c>, <c>high_res_feats_1</c>),
/// <c>decoder.onnx</c> (prompt encoder and mask decoder, the community exporters' names) and <c>model.json</c> with
/// <c>"family": "sam2"</c>; a folder without <c>model.json</c>, or whose manifest names no family, is recognised by its
/// decoder's signature.
/// </summary>
/// <remarks>
/// <para>What it reproduces (docs/models.md, "SDK rules for the sam2 profile"): the preprocessing of
/// <see cref="Sam2Preprocessor"/>; prompt coordinates <c>x * 1024 / W</c>, <c>y * 1024 / H</c>; box corners before the
/// clicks and one padding point; the single-mask rule <see cref="MaskSelection.DynamicMultimaskViaStability"/> (the
/// default); ONE bilinear resize of the 256 x 256 logits to the original size and <c>logit &gt; maskThreshold</c>;
/// low-resolution logits handed back clamped to [-32, 32]; the optional hole and sprinkle clean-up
/// (<see cref="DecodeOptions.MaxHoleArea"/>, <see cref="DecodeOptions.MaxSprinkleArea"/>, off by default as in SAM 2).</para>
/// <para>With <see cref="DecodeOptions.MultimaskOutput"/> the candidates are every token the decoder returns, in token
/// order (<see cref="MaskCandidate.Index"/> is the token: 0 the single-mask token, 1..3 what
/// <c>multimask_output=True</c> returns).</para>
/// <para>One instance is safe to use from many threads at once. Cancellation sets <see cref="RunOptions.Terminate"/> on the
/// running session; disposing ends calls still in flight with <see cref="ObjectDisposedException"/>.</para>
/// </remarks>
public sealed partial class Sam2OnnxModel : ISegmentationModel
{
    private const int LowResLength = SamContract.LowResSide * SamContract.LowResSide;

    private static readonly long[] MaskInputShape = [1, 1, SamContract.LowResSide, SamContract.LowResSide];
    private static readonly long[] ScalarShape = [1];
    private static readonly long[] SizeShape = [2];
    private static readonly long[][] FeatureShapes = [.. Sam2Contract.FeatureShapes.Select(s => s.Select(d => (long)d).ToArray())];
    private static readonly string[] EncoderInputNames = [Sam2Contract.ImageInput];

    private readonly InferenceSession _encoder;
    private readonly InferenceSession _decoder;
    private readonly SessionOptions _sessionOptions;
    private readonly Sam2Profile _profile = Sam2Profile.Instance;
    private readonly Sam2DecoderSignature _signature;
    private readonly OnnxRunGate _gate;
    private readonly TensorBufferPool _pool;
    private readonly KeyValuePair<string, object?>[] _tags;

    private Sam2OnnxModel(ModelInfo info, Sam2DecoderSignature signature, SessionOptions sessionOptions, InferenceSession encoder, InferenceSession decoder, TensorBufferPool pool)
    {
        Info = info;
        _signature = signature;
        _gate = new OnnxRunGate(nameof(Sam2OnnxModel), info.Name);
        _pool = pool;
        _sessionOptions = sessionOptions;
        _encoder = encoder;
        _decoder = decoder;
        _tags = [new("model", info.Name), new("provider", info.ExecutionProvider)];
    }

    /// <inheritdoc/>
    public ModelInfo Info { get; }

    /// <summary>
    /// Loads a SAM 2.1 model folder: reads <c>model.json</c> (a folder without one, or a manifest without <c>family</c>,
    /// gets SAM 2.1 defaults), creates the ONNX Runtime sessions on the first usable execution provider, and checks both
    /// ONNX signatures against the SAM 2.1 contract.
    /// </summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="options">Providers and session settings; null for CPU defaults.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="ModelLoadException">The folder, a file or the manifest is missing or unreadable, the manifest names another family or profile, or an ONNX file is corrupt.</exception>
    /// <exception cref="ModelContractException">An ONNX signature does not match the SAM 2.1 contract or the manifest.</exception>
    /// <exception cref="ExecutionProviderException">No preferred provider could be used and CPU fallback is off.</exception>
    public static Sam2OnnxModel Load(string folder, ModelOptions? options = null) => Load(folder, options, TensorBufferPool.Shared);

    // Tests pass a tracking pool to check that every path gives its buffers back.
    internal static Sam2OnnxModel Load(string folder, ModelOptions? options, TensorBufferPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        options ??= ModelOptions.Default;
        options.Validate();

        ModelFolder checkedFolder = ModelFolder.Open(folder);
        ModelManifest manifest = Sam2Manifest(checkedFolder);
        string encoderPath = checkedFolder.EncoderPath;
        string decoderPath = checkedFolder.DecoderPath;

        (SessionOptions so, InferenceSession enc, InferenceSession dec, string provider, List<ProviderAttempt> attempts, bool fellBack) =
            OnnxSessionFactory.Create(encoderPath, decoderPath, options);
        try
        {
            Sam2Contract.CheckEncoder(enc, manifest.EncoderVariant, encoderPath);
            Sam2DecoderSignature signature = Sam2Contract.CheckDecoder(dec, manifest.DecoderVariant, decoderPath, manifest.DecoderBatchAxis);
            var info = new ModelInfo
            {
                Name = manifest.Name,
                Path = checkedFolder.Path,
                Manifest = manifest,
                ManifestWasDefaulted = checkedFolder.ManifestWasDefaulted,
                EncoderVariant = EncoderVariant.ImageNchw,
                DecoderVariant = signature.Variant,
                MaskCount = signature.MaskCount > 0 ? signature.MaskCount : 4,
                DefaultSelection = Sam2Profile.Instance.DefaultSelection,
                ExecutionProvider = provider,
                Fingerprint = ModelFingerprint.Compute(ModelFingerprint.Contract(manifest, EncoderVariant.ImageNchw), encoderPath, decoderPath),
                ProviderAttempts = attempts,
                FellBackToCpu = fellBack,
            };
            return new Sam2OnnxModel(info, signature, so, enc, dec, pool);
        }
        catch
        {
            dec.Dispose();
            enc.Dispose();
            so.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True when a folder that names no family holds a SAM 2.1 export: its decoder takes the three SAM 2 feature inputs.
    /// Only the decoder's signature is read (a session without optimisation); a folder that cannot be read is left to
    /// the default family's loader, which reports it.
    /// </summary>
    internal static bool HasSam2Decoder(string folder)
    {
        ModelFolder opened;
        try
        {
            opened = ModelFolder.Open(folder);
        }
        catch (ModelLoadException)
        {
            return false;
        }

        _ = OnnxRuntimeEnvironment.Instance();
        try
        {
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
            using var session = new InferenceSession(opened.DecoderPath, options);
            return Sam2Contract.LooksLikeSam2Decoder(session.InputMetadata);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public ImageEmbedding Encode(ImageBuffer image, CancellationToken cancellationToken = default)
    {
        if (image.IsEmpty)
        {
            throw new ArgumentException("Expected an image of at least 1x1 pixels; got an empty ImageBuffer (the default value).", nameof(image));
        }

        _gate.Enter();
        long start = Stopwatch.GetTimestamp();
        float[]? input = null;
        float[]? features = null;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            input = _pool.Rent(ModelProfile.FrameLength);
            EncoderInput prepared = _profile.Preprocess(image, EncoderVariant.ImageNchw, input);
            features = _pool.Rent(Sam2Contract.FeaturesLength);
            var outputs = new OrtValue[Sam2Contract.FeatureNames.Length];
            try
            {
                using OrtValue inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, prepared.Length), prepared.Shape);
                int offset = 0;
                for (int i = 0; i < outputs.Length; i++)
                {
                    outputs[i] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, features.AsMemory(offset, Sam2Contract.FeatureLengths[i]), FeatureShapes[i]);
                    offset += Sam2Contract.FeatureLengths[i];
                }

                _gate.Run(_encoder, EncoderInputNames, [inputValue], Sam2Contract.FeatureNames, outputs, cancellationToken);
            }
            finally
            {
                foreach (OrtValue? v in outputs)
                {
                    v?.Dispose();
                }
            }

            var tensors = new ImageEmbeddingTensor[Sam2Contract.FeatureNames.Length];
            int at = 0;
            for (int i = 0; i < tensors.Length; i++)
            {
                Memory<float> values = features.AsMemory(at, Sam2Contract.FeatureLengths[i]);
                CheckFinite(values.Span, Sam2Contract.FeatureNames[i], Info.Manifest.EncoderFile);
                tensors[i] = ImageEmbeddingTensor.Trusted(Sam2Contract.FeatureNames[i], Sam2Contract.FeatureShapes[i], values);
                at += Sam2Contract.FeatureLengths[i];
            }

            SkinSamInstruments.EncodeDuration.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds, _tags);
            SkinSamInstruments.ImagesProcessed.Add(1, _tags);
            var result = new ImageEmbedding(Info.Name, Info.Fingerprint, prepared.Frame, tensors, features, _pool.ReturnBuffer);
            features = null;
            return result;
        }
        finally
        {
            if (input is not null)
            {
                _pool.Return(input);
            }

            if (features is not null)
            {
                _pool.Return(features);
            }

            _gate.Exit();
        }
    }

    /// <summary>
    /// Releases the ONNX Runtime sessions. Calls still running are terminated and end with <see cref="ObjectDisposedException"/>;
    /// this method returns once they have left.
    /// </summary>
    public void Dispose()
    {
        if (!_gate.Close())
        {
            return;
        }

        _decoder.Dispose();
        _encoder.Dispose();
        _sessionOptions.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Info.Name} (sam2, {Info.DecoderVariant}, K = {Info.MaskCount}, {Info.ExecutionProvider})";

    // The folder's manifest as a SAM 2.1 manifest: "family": "sam2" as written, or no family at all (a folder from
    // another exporter: no model.json, or a minimal one), which then takes the sam2 profile unless it names another.
    private static ModelManifest Sam2Manifest(ModelFolder folder)
    {
        ModelManifest manifest = folder.Manifest;
        if (string.Equals(manifest.Family, Sam2Contract.FamilyName, StringComparison.Ordinal))
        {
            return manifest;
        }

        (bool familyGiven, bool preprocessingGiven) = DeclaredKeys(folder);
        if (familyGiven)
        {
            throw new ModelLoadException($"{folder.ManifestPath}: expected 'family' \"{Sam2Contract.FamilyName}\" (or none) for a SAM 2.1 model; got \"{manifest.Family}\".");
        }

        if (preprocessingGiven && manifest.Preprocessing != PreprocessingProfile.Sam2)
        {
            throw new ModelLoadException(
                $"{folder.ManifestPath}: the ONNX files are a SAM 2.1 export, which needs 'preprocessing' \"sam2\" (or none); got \"{manifest.Preprocessing.ToString().ToLowerInvariant()}\".");
        }

        return manifest with
        {
            Name = folder.ManifestWasDefaulted ? "sam2" : manifest.Name,
            Family = Sam2Contract.FamilyName,
            Preprocessing = PreprocessingProfile.Sam2,
            Provenance = folder.ManifestWasDefaulted ? "no model.json: a SAM 2.1 export recognised by its ONNX signatures" : manifest.Provenance,
        };
    }

    private static (bool Family, bool Preprocessing) DeclaredKeys(ModelFolder folder)
    {
        if (folder.ManifestWasDefaulted)
        {
            return (false, false);
        }

        // ModelFolder.Open has parsed and checked it already; only the presence of two keys is read here.
        using JsonDocument doc = JsonDocument.Parse(
            File.ReadAllText(folder.ManifestPath).TrimStart('\uFEFF'),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        JsonElement root = doc.RootElement;
        return (Present(root, "family"), Present(root, "preprocessing"));

        static bool Present(JsonElement root, string key) => root.TryGetProperty(key, out JsonElement v) && v.ValueKind != JsonValueKind.Null;
    }

    private static void CheckFinite(ReadOnlySpan<float> values, string name, string file)
    {
        if (!float.IsFinite(TensorPrimitives.Sum(values)))
        {
            int bad = CountNonFinite(values);
            if (bad > 0)
            {
                throw new ModelOutputException($"{file}: expected finite values in '{name}'; got {bad} NaN or infinite of {values.Length}.");
            }
        }
    }

    private static int CountNonFinite(ReadOnlySpan<float> values)
    {
        int bad = 0;
        foreach (float v in values)
        {
            bad += float.IsFinite(v) ? 0 : 1;
        }

        return bad;
    }
}
