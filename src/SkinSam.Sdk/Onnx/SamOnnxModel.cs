using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Diagnostics;
using SkinSam.Sdk.ExecutionProviders;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Postprocessing;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// A SAM v1 family model (SAM, MedSAM, SkinSAM, MobileSAM, SkinSAM-Tiny) running on ONNX Runtime from a model folder:
/// <c>encoder.onnx</c>, <c>decoder.onnx</c> and optionally <c>model.json</c>.
/// </summary>
/// <remarks>
/// One instance is safe to use from many threads at once: ONNX Runtime sessions run concurrently and every call
/// rents its own buffers. Cancellation sets <see cref="RunOptions.Terminate"/> on the running session.
/// Disposing ends calls still in flight with <see cref="ObjectDisposedException"/>.
/// What differs between SAM-style and MedSAM-style weights (preprocessing, prompt mapping, postprocessing, default
/// mask selection) is the model's profile, named by <c>model.json</c>'s <c>preprocessing</c> (<see cref="ModelProfile"/>).
/// </remarks>
public sealed partial class SamOnnxModel : ISegmentationModel
{
    private const int EmbeddingLength = SamContract.EmbeddingChannels * SamContract.EmbeddingSide * SamContract.EmbeddingSide;
    private const int LowResLength = SamContract.LowResSide * SamContract.LowResSide;

    // Prompts per run of a decoder with a prompt-batch axis.
    private const int MaxPromptBatch = 16;

    private static readonly long[] EmbeddingShape = [1, SamContract.EmbeddingChannels, SamContract.EmbeddingSide, SamContract.EmbeddingSide];
    private static readonly long[] MaskInputShape = [1, 1, SamContract.LowResSide, SamContract.LowResSide];
    private static readonly long[] ScalarShape = [1];
    private static readonly long[] SizeShape = [2];

    private readonly InferenceSession _encoder;
    private readonly InferenceSession _decoder;
    private readonly SessionOptions _sessionOptions;
    private readonly ModelProfile _profile;

    /// <summary>The model's profile (preprocessing, prompt mapping, mask values).</summary>
    internal ModelProfile Profile => _profile;

    private readonly string[] _encoderInputNames;
    private readonly string[] _encoderOutputNames = [SamContract.EmbeddingsName];
    private readonly string[] _decoderInputNames;
    // Only the IoU and the low-res logits: the graph's 'masks' output is never fetched (SamContract.UnfetchedMasksSize).
    private readonly string[] _decoderOutputNames = [SamContract.IouPredictions, SamContract.LowResMasks];
    private readonly OnnxRunGate _gate;
    private readonly TensorBufferPool _pool;
    private readonly KeyValuePair<string, object?>[] _tags;

    private SamOnnxModel(ModelInfo info, SessionOptions sessionOptions, InferenceSession encoder, InferenceSession decoder, TensorBufferPool pool, OrtMemoryInfo? deviceMemory)
    {
        _deviceMemory = deviceMemory;
        Info = info;
        _gate = new OnnxRunGate(nameof(SamOnnxModel), info.Name);
        _pool = pool;
        _sessionOptions = sessionOptions;
        _encoder = encoder;
        _decoder = decoder;
        _tags = [new("model", info.Name), new("provider", info.ExecutionProvider)];
        _profile = ModelProfile.For(info.Preprocessing, info.Manifest.InputSize);
        _encoderInputNames = [info.EncoderVariant == EncoderVariant.InputImageHwc ? SamContract.HwcImageInput : SamContract.ImageInput];
        bool feedsSize = decoder.InputMetadata.ContainsKey(SamContract.OrigImSize);
        _decoderInputNames = feedsSize
            ? [SamContract.EmbeddingsName, SamContract.PointCoords, SamContract.PointLabels, SamContract.MaskInput, SamContract.HasMaskInput, SamContract.OrigImSize]
            : [SamContract.EmbeddingsName, SamContract.PointCoords, SamContract.PointLabels, SamContract.MaskInput, SamContract.HasMaskInput];
    }

    /// <inheritdoc/>
    public ModelInfo Info { get; }

    /// <summary>
    /// Loads a model folder: reads <c>model.json</c> (or assumes the official SAM export when there is none), creates the
    /// ONNX Runtime sessions on the first usable execution provider, and checks both ONNX signatures against the contract.
    /// </summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="options">Providers and session settings; null for CPU defaults.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="ModelLoadException">The folder, a file or the manifest is missing or unreadable, or an ONNX file is corrupt.</exception>
    /// <exception cref="ModelContractException">An ONNX signature does not match the SAM v1 contract or the manifest.</exception>
    /// <exception cref="ExecutionProviderException">No preferred provider could be used and CPU fallback is off.</exception>
    public static SamOnnxModel Load(string folder, ModelOptions? options = null) => Load(folder, options, TensorBufferPool.Shared);

    // Tests pass a tracking pool to check that every path gives its buffers back.
    internal static SamOnnxModel Load(string folder, ModelOptions? options, TensorBufferPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        options ??= ModelOptions.Default;
        options.Validate();

        ModelFolder checkedFolder = ModelFolder.Open(folder);
        string full = checkedFolder.Path;
        string manifestPath = checkedFolder.ManifestPath;
        bool defaulted = checkedFolder.ManifestWasDefaulted;
        ModelManifest manifest = checkedFolder.Manifest;
        string encoderPath = checkedFolder.EncoderPath;
        string decoderPath = checkedFolder.DecoderPath;

        if (manifest.Family != SegmentationModels.DefaultFamily)
        {
            throw new ModelLoadException($"{manifestPath}: expected 'family' \"{SegmentationModels.DefaultFamily}\" for {nameof(SamOnnxModel)}; got \"{manifest.Family}\". Load it with {nameof(SegmentationModels)}.{nameof(SegmentationModels.Load)}, which picks the family's model class.");
        }

        ModelProfile profile = ModelProfile.For(manifest.Preprocessing, manifest.InputSize);
        profile.CheckManifest(manifest, manifestPath);

        (SessionOptions so, InferenceSession enc, InferenceSession dec, string provider, List<ProviderAttempt> attempts, bool fellBack) =
            OnnxSessionFactory.Create(encoderPath, decoderPath, options);
        try
        {
            EncoderVariant ev = SamContract.DetectEncoder(enc, manifest.EncoderVariant, encoderPath, manifest.InputSize);
            (DecoderVariant dv, int k) = SamContract.DetectDecoder(dec, manifest.DecoderVariant, decoderPath, manifest.DecoderBatchAxis);
            profile.CheckVariants(ev, dv, encoderPath, decoderPath);
            var info = new ModelInfo
            {
                Name = manifest.Name,
                Path = full,
                Manifest = manifest,
                ManifestWasDefaulted = defaulted,
                EncoderVariant = ev,
                DecoderVariant = dv,
                MaskCount = k > 0 ? k : (dv == DecoderVariant.SingleMask ? 1 : 4),
                DefaultSelection = profile.DefaultSelection,
                ExecutionProvider = provider,
                Fingerprint = ModelFingerprint.Compute(ModelFingerprint.Contract(manifest, ev), encoderPath, decoderPath),
                ProviderAttempts = attempts,
                FellBackToCpu = fellBack,
            };
            return new SamOnnxModel(info, so, enc, dec, pool, options.DeviceResidentEmbeddings ? DeviceMemoryFor(options, provider) : null);
        }
        catch
        {
            dec.Dispose();
            enc.Dispose();
            so.Dispose();
            throw;
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
        float[]? embedding = null;
        IDisposableReadOnlyCollection<OrtValue>? devicePayload = null;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            input = _pool.Rent(_profile.InputLength);
            EncoderInput prepared = _profile.Preprocess(image, Info.EncoderVariant ?? EncoderVariant.ImageNchw, input);
            embedding = _pool.Rent(EmbeddingLength);
            using (OrtValue inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, prepared.Length), prepared.Shape))
            using (OrtValue outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, embedding.AsMemory(0, EmbeddingLength), EmbeddingShape))
            {
                if (_deviceMemory is null)
                {
                    _gate.Run(_encoder, _encoderInputNames, [inputValue], _encoderOutputNames, [outputValue], cancellationToken);
                }
                else
                {
                    devicePayload = EncodeToDevice(inputValue, outputValue, cancellationToken);
                }
            }

            ReadOnlySpan<float> values = embedding.AsSpan(0, EmbeddingLength);
            if (!float.IsFinite(TensorPrimitives.Sum(values)))
            {
                int bad = CountNonFinite(values);
                if (bad > 0)
                {
                    throw new ModelOutputException($"{Info.Manifest.EncoderFile}: expected finite values in '{SamContract.EmbeddingsName}'; got {bad} NaN or infinite of {EmbeddingLength}.");
                }
            }

            SkinSamInstruments.EncodeDuration.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds, _tags);
            SkinSamInstruments.ImagesProcessed.Add(1, _tags);
            var tensor = ImageEmbeddingTensor.Trusted(SamContract.EmbeddingsName, [.. EmbeddingShape.Select(d => (int)d)], embedding.AsMemory(0, EmbeddingLength));
            ImageEmbedding result;
            if (devicePayload is null)
            {
                result = new ImageEmbedding(Info.Name, Info.Fingerprint, prepared.Frame, [tensor], embedding, _pool.ReturnBuffer);
            }
            else
            {
                // The device tensor lives as long as the embedding: released by its dispose, before the host buffer.
                IDisposableReadOnlyCollection<OrtValue> payload = devicePayload;
                var owner = new ImageEmbedding?[1];
                result = new ImageEmbedding(Info.Name, Info.Fingerprint, prepared.Frame, [tensor], embedding, buffer =>
                {
                    if (owner[0] is { } e)
                    {
                        _deviceEmbeddings.Remove(e);
                    }

                    payload.Dispose();
                    _pool.Return(buffer);
                });
                owner[0] = result;
                _deviceEmbeddings.Add(result, payload);
                devicePayload = null;
            }

            embedding = null;
            return result;
        }
        finally
        {
            devicePayload?.Dispose();
            if (input is not null)
            {
                _pool.Return(input);
            }

            if (embedding is not null)
            {
                _pool.Return(embedding);
            }

            _gate.Exit();
        }
    }

    /// <inheritdoc/>
    public SegmentationResult Decode(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentNullException.ThrowIfNull(prompt);
        options ??= DecodeOptions.Default;
        CheckDecodeArguments(embedding, prompt, options);
        MaskSelection selection = ResolveSelection(options);
        _gate.Enter();
        try
        {
            SegmentationResult result = DecodeCore(embedding, prompt, options, selection, cancellationToken);
            SkinSamInstruments.DecodeDuration.Record(result.Elapsed.TotalMilliseconds, _tags);
            SkinSamInstruments.PromptsDecoded.Add(1, _tags);
            return result;
        }
        finally
        {
            _gate.Exit();
        }
    }

    private MaskSelection ResolveSelection(DecodeOptions options) =>
        options.Selection == MaskSelection.ModelDefault ? Info.DefaultSelection : options.Selection;

    // checkEmbedding false: DecodeInto already checked this very embedding (immutable) on an earlier call.
    private void CheckDecodeArguments(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeOptions options, bool checkEmbedding = true)
    {
        ObjectDisposedException.ThrowIf(embedding.IsDisposed, embedding);
        if (checkEmbedding)
        {
            CheckEmbedding(embedding);
        }

        if (!float.IsFinite(options.StabilityOffset) || options.StabilityOffset < 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Expected DecodeOptions.StabilityOffset finite and at least 0; got {options.StabilityOffset}.");
        }

        prompt.Validate(embedding.OriginalWidth, embedding.OriginalHeight);
        if (prompt.Points.Count == 0 && prompt.Box is null && !Info.SupportsNoPrompt && prompt.MaskInput is null)
        {
            throw new InvalidPromptException(
                $"Expected at least one point or a box: model '{Info.Name}' was not trained to segment without a prompt (model.json supportsNoPrompt is false); got an empty prompt.");
        }

        MaskSelection selection = ResolveSelection(options);
        if (selection == MaskSelection.DynamicMultimaskViaStability || options.MaxHoleArea != 0 || options.MaxSprinkleArea != 0)
        {
            throw new NotSupportedException(
                $"Expected SAM v1 decode options for model '{Info.Name}' (Selection OfficialOnnx, PredictorFirstMask or HighestPredictedIou; MaxHoleArea and MaxSprinkleArea 0); got Selection {options.Selection}, MaxHoleArea {options.MaxHoleArea}, MaxSprinkleArea {options.MaxSprinkleArea}: those are SAM 2.1's rules.");
        }

        if (Info.DecoderVariant == DecoderVariant.SingleMask && selection != MaskSelection.OfficialOnnx)
        {
            throw new NotSupportedException(
                $"{Info.Manifest.DecoderFile} is a single-mask export that applies the {nameof(MaskSelection.OfficialOnnx)} rule inside the graph; expected Selection = {nameof(MaskSelection.OfficialOnnx)}; got {options.Selection}. Use a multimask export for other rules.");
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<SegmentationResult> DecodeBatch(ImageEmbedding embedding, IReadOnlyList<SegmentationPrompt> prompts, DecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        SegmentationModelExtensions.CheckPrompts(prompts);
        if (Info.Manifest.DecoderBatchAxis && prompts.Count > 1)
        {
            return DecodeBatched(embedding, prompts, options ?? DecodeOptions.Default, cancellationToken);
        }

        // The official decoder has batch size 1: one run per prompt over the same embedding.
        return this.DecodeEach(embedding, prompts, options, cancellationToken);
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
        if (!ReferenceEquals(_deviceMemory, OrtMemoryInfo.DefaultInstance))
        {
            _deviceMemory?.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Info.Name} ({Info.EncoderVariant}, {Info.DecoderVariant}, {Info.ExecutionProvider})";

    // The fingerprint names the weights and contract; the shape and frame checks catch embeddings built by hand.
    private void CheckEmbedding(ImageEmbedding embedding)
    {
        if (!string.Equals(embedding.ModelFingerprint, Info.Fingerprint, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Expected an embedding made by this model ('{Info.Name}', {ModelFingerprint.Short(Info.Fingerprint)}); got one made by '{embedding.ModelName}' ({ModelFingerprint.Short(embedding.ModelFingerprint)}). Encode the image with this model.",
                nameof(embedding));
        }

        IReadOnlyList<ImageEmbeddingTensor> tensors = embedding.Tensors;
        if (tensors.Count != 1 || tensors[0].Name != SamContract.EmbeddingsName || !tensors[0].Shape.SequenceEqual(EmbeddingShape.Select(d => (int)d)))
        {
            throw new ArgumentException(
                $"Expected one tensor '{SamContract.EmbeddingsName}' [{string.Join(", ", EmbeddingShape)}]; got {(tensors.Count == 0 ? "none" : string.Join(", ", tensors.Select(t => t.ToString())))}.",
                nameof(embedding));
        }

        ImageFrame expected = _profile.CreateFrame(embedding.OriginalWidth, embedding.OriginalHeight);
        int fw = expected.ResizedWidth;
        int fh = expected.ResizedHeight;
        if (embedding.ResizedWidth != fw || embedding.ResizedHeight != fh)
        {
            throw new ArgumentException(
                $"Expected a frame of {fw}x{fh} for a {embedding.OriginalWidth}x{embedding.OriginalHeight} image under the {Info.Preprocessing} profile; got {embedding.ResizedWidth}x{embedding.ResizedHeight}.",
                nameof(embedding));
        }
    }

    internal static (float[] Coords, float[] Labels) BuildPointInputs(SegmentationPrompt prompt, double scaleX, double scaleY) =>
        SamDecoderInputs.BuildPointInputs(prompt, scaleX, scaleY);

    internal static int SelectMask(ReadOnlySpan<float> iou, int rows, MaskSelection rule) => SamDecoderInputs.SelectMask(iou, rows, rule);
}
