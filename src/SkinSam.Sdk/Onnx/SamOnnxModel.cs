using System.Buffers;
using System.Collections.Concurrent;
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
public sealed class SamOnnxModel : ISegmentationModel
{
    private const int EmbeddingLength = SamContract.EmbeddingChannels * SamContract.EmbeddingSide * SamContract.EmbeddingSide;
    private const int LowResLength = SamContract.LowResSide * SamContract.LowResSide;

    // The longest buffer the tensor pool keeps (4 Mi floats: the NCHW frame is 3 Mi, an original-size logit map up to that).
    private const int MaxPooledLength = 4 << 20;

    // Prompts per run of a decoder with a prompt-batch axis.
    private const int MaxPromptBatch = 16;

    private static readonly ArrayPool<float> TensorPool = ArrayPool<float>.Create(maxArrayLength: MaxPooledLength, maxArraysPerBucket: 64);
    private static readonly long[] EmbeddingShape = [1, SamContract.EmbeddingChannels, SamContract.EmbeddingSide, SamContract.EmbeddingSide];
    private static readonly long[] MaskInputShape = [1, 1, SamContract.LowResSide, SamContract.LowResSide];
    private static readonly long[] ScalarShape = [1];
    private static readonly long[] SizeShape = [2];

    // Pool accounting for the reliability tests: buffers rented from TensorPool and not yet returned, across all instances.
    private static long _outstandingPooledBuffers;

    private readonly InferenceSession _encoder;
    private readonly InferenceSession _decoder;
    private readonly SessionOptions _sessionOptions;
    private readonly ModelProfile _profile;

    // True when the decoder's 'masks' output is fetched (first of the outputs): the profile uses it and the export has it.
    private readonly bool _graphMasks;
    private readonly string[] _encoderInputNames;
    private readonly string[] _encoderOutputNames = [SamContract.EmbeddingsName];
    private readonly string[] _decoderInputNames;
    private readonly string[] _decoderOutputNames;
    private readonly ConcurrentDictionary<RunOptions, byte> _running = new();

    // Held while Dispose sets Terminate and while a call takes its RunOptions out of _running (before disposing them):
    // without it Dispose could set Terminate on RunOptions a finishing call had just disposed, a native null write.
    private readonly Lock _runningGate = new();
    private readonly KeyValuePair<string, object?>[] _tags;
    private int _inFlight;
    private int _disposed;

    private SamOnnxModel(ModelInfo info, SessionOptions sessionOptions, InferenceSession encoder, InferenceSession decoder)
    {
        Info = info;
        _sessionOptions = sessionOptions;
        _encoder = encoder;
        _decoder = decoder;
        _tags = [new("model", info.Name), new("provider", info.ExecutionProvider)];
        _profile = ModelProfile.For(info.Preprocessing);
        _encoderInputNames = [info.EncoderVariant == EncoderVariant.InputImageHwc ? SamContract.HwcImageInput : SamContract.ImageInput];
        _graphMasks = info.DecoderVariant != DecoderVariant.LowResOnly && _profile.UsesGraphMasks;
        bool feedsSize = decoder.InputMetadata.ContainsKey(SamContract.OrigImSize);
        _decoderInputNames = feedsSize
            ? [SamContract.EmbeddingsName, SamContract.PointCoords, SamContract.PointLabels, SamContract.MaskInput, SamContract.HasMaskInput, SamContract.OrigImSize]
            : [SamContract.EmbeddingsName, SamContract.PointCoords, SamContract.PointLabels, SamContract.MaskInput, SamContract.HasMaskInput];
        _decoderOutputNames = _graphMasks
            ? [SamContract.Masks, SamContract.IouPredictions, SamContract.LowResMasks]
            : [SamContract.IouPredictions, SamContract.LowResMasks];
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
    public static SamOnnxModel Load(string folder, ModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        options ??= ModelOptions.Default;
        options.Validate();

        string full = System.IO.Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new ModelLoadException(File.Exists(full)
                ? $"Expected a model folder; got the file '{full}'. Point at the folder holding encoder.onnx and decoder.onnx."
                : $"Expected a model folder at '{full}'; got no such directory.");
        }

        string manifestPath = System.IO.Path.Combine(full, ModelManifest.FileName);
        bool defaulted = !File.Exists(manifestPath);
        ModelManifest manifest = defaulted ? ModelManifest.SamDefaults : ModelManifest.Load(manifestPath);
        string encoderPath = System.IO.Path.Combine(full, manifest.EncoderFile);
        string decoderPath = System.IO.Path.Combine(full, manifest.DecoderFile);
        var missing = new[] { encoderPath, decoderPath }.Where(p => !File.Exists(p)).Select(System.IO.Path.GetFileName).ToList();
        if (missing.Count > 0)
        {
            string held = string.Join(", ", Directory.EnumerateFileSystemEntries(full).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal));
            throw new ModelLoadException($"Expected {string.Join(" and ", missing)} in model folder '{full}'; the folder holds: {(held.Length == 0 ? "nothing" : held)}.");
        }

        ModelProfile profile = ModelProfile.For(manifest.Preprocessing);
        profile.CheckManifest(manifest, manifestPath);

        (SessionOptions so, InferenceSession enc, InferenceSession dec, string provider, List<ProviderAttempt> attempts, bool fellBack) =
            CreateSessions(encoderPath, decoderPath, options);
        try
        {
            EncoderVariant ev = SamContract.DetectEncoder(enc, manifest.EncoderVariant, encoderPath);
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
            return new SamOnnxModel(info, so, enc, dec);
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

        Enter();
        long start = Stopwatch.GetTimestamp();
        float[]? input = null;
        float[]? embedding = null;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            input = RentTensor(ModelProfile.FrameLength);
            EncoderInput prepared = _profile.Preprocess(image, Info.EncoderVariant ?? EncoderVariant.ImageNchw, input);
            embedding = RentTensor(EmbeddingLength);
            using (OrtValue inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, prepared.Length), prepared.Shape))
            using (OrtValue outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, embedding.AsMemory(0, EmbeddingLength), EmbeddingShape))
            {
                Run(_encoder, _encoderInputNames, [inputValue], _encoderOutputNames, [outputValue], cancellationToken);
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
            var result = new ImageEmbedding(Info.Name, Info.Fingerprint, prepared.Frame, [tensor], embedding, static a => ReturnTensor(a));
            embedding = null;
            return result;
        }
        finally
        {
            if (input is not null)
            {
                ReturnTensor(input);
            }

            if (embedding is not null)
            {
                ReturnTensor(embedding);
            }

            Exit();
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
        Enter();
        try
        {
            SegmentationResult result = DecodeCore(embedding, prompt, options, selection, cancellationToken);
            SkinSamInstruments.DecodeDuration.Record(result.Elapsed.TotalMilliseconds, _tags);
            SkinSamInstruments.PromptsDecoded.Add(1, _tags);
            return result;
        }
        finally
        {
            Exit();
        }
    }

    private MaskSelection ResolveSelection(DecodeOptions options) =>
        options.Selection == MaskSelection.ModelDefault ? Info.DefaultSelection : options.Selection;

    private void CheckDecodeArguments(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeOptions options)
    {
        ObjectDisposedException.ThrowIf(embedding.IsDisposed, embedding);
        CheckEmbedding(embedding);
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
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        lock (_runningGate)
        {
            foreach (RunOptions running in _running.Keys)
            {
                running.Terminate = true;
            }
        }

        SpinWait.SpinUntil(() => Volatile.Read(ref _inFlight) == 0);
        _decoder.Dispose();
        _encoder.Dispose();
        _sessionOptions.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Info.Name} ({Info.EncoderVariant}, {Info.DecoderVariant}, {Info.ExecutionProvider})";

    internal static (float[] Coords, float[] Labels) BuildPointInputs(SegmentationPrompt prompt, double scaleX, double scaleY)
    {
        int n = prompt.Points.Count + (prompt.Box is null ? 1 : 2);
        var coords = new float[n * 2];
        var labels = new float[n];
        int row = 0;
        foreach (PromptPoint p in prompt.Points)
        {
            coords[row * 2] = (float)(p.X * scaleX);
            coords[(row * 2) + 1] = (float)(p.Y * scaleY);
            labels[row++] = (float)p.Label;
        }

        if (prompt.Box is { } b)
        {
            coords[row * 2] = (float)(b.X0 * scaleX);
            coords[(row * 2) + 1] = (float)(b.Y0 * scaleY);
            labels[row++] = 2f;
            coords[row * 2] = (float)(b.X1 * scaleX);
            coords[(row * 2) + 1] = (float)(b.Y1 * scaleY);
            labels[row] = 3f;
        }
        else
        {
            // SAM's official ONNX usage: without a box, one padding point (0, 0) labelled -1.
            labels[row] = -1f;
        }

        return (coords, labels);
    }

    /// <summary>Index of the mask a selection rule picks from predicted IoUs; <paramref name="rows"/> counts every row of point_coords.</summary>
    internal static int SelectMask(ReadOnlySpan<float> iou, int rows, MaskSelection rule)
    {
        switch (rule)
        {
            case MaskSelection.PredictorFirstMask:
                return 0;
            case MaskSelection.HighestPredictedIou:
                return TensorPrimitives.IndexOfMax(iou);
            case MaskSelection.OfficialOnnx:
                if (iou.Length == 1)
                {
                    return 0;
                }

                // score = iou + (N - 2.5) * [1000, 0, 0, 0]; argmax, first index on ties (torch.argmax).
                float reweight = (rows - 2.5f) * 1000f;
                int best = 0;
                float bestScore = iou[0] + reweight;
                for (int i = 1; i < iou.Length; i++)
                {
                    if (iou[i] > bestScore)
                    {
                        best = i;
                        bestScore = iou[i];
                    }
                }

                return best;
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule, $"Expected a defined {nameof(MaskSelection)}; got {(int)rule}.");
        }
    }

    private static (SessionOptions Options, InferenceSession Encoder, InferenceSession Decoder, string Provider, List<ProviderAttempt> Attempts, bool FellBack) CreateSessions(
        string encoderPath, string decoderPath, ModelOptions options)
    {
        var attempts = new List<ProviderAttempt>();
        IReadOnlyCollection<string> available = OnnxRuntimeEnvironment.Instance().GetAvailableProviders();
        var candidates = options.Providers.ToList();
        bool cpuListed = candidates.Any(p => p is BuiltInExecutionProvider { Kind: BuiltInProviderKind.Cpu });
        if (!cpuListed && options.AllowCpuFallback)
        {
            candidates.Add(ExecutionProvider.Cpu);
        }

        for (int i = 0; i < candidates.Count; i++)
        {
            ExecutionProvider provider = candidates[i];
            bool isCpu = provider is BuiltInExecutionProvider { Kind: BuiltInProviderKind.Cpu };
            SessionOptions so = options.CreateSessionOptions();
            InferenceSession? encoder = null;
            try
            {
                provider.AppendTo(so, available);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                so.Dispose();
                attempts.Add(new ProviderAttempt(provider.DisplayName, false, Flatten(ex)));
                continue;
            }

            try
            {
                encoder = OpenSession(encoderPath, so);
                InferenceSession decoder = OpenSession(decoderPath, so);
                attempts.Add(new ProviderAttempt(provider.DisplayName, true, null));
                bool fellBack = isCpu && !cpuListed;
                return (so, encoder, decoder, provider.DisplayName, attempts, fellBack);
            }
            catch (ModelLoadException ex) when (!isCpu)
            {
                // A provider can fail at session creation (missing CUDA libraries, no device): record it and try the next.
                encoder?.Dispose();
                so.Dispose();
                attempts.Add(new ProviderAttempt(provider.DisplayName, false, Flatten(ex.InnerException ?? ex)));
            }
            catch
            {
                encoder?.Dispose();
                so.Dispose();
                throw;
            }
        }

        string tried = string.Join("; ", attempts.Select(a => $"{a.Provider}: {a.Reason}"));
        throw new ExecutionProviderException(options.AllowCpuFallback
            ? $"Expected one of the execution providers [{string.Join(", ", options.Providers)}] to load the model; none could: {tried}."
            : $"Expected one of the execution providers [{string.Join(", ", options.Providers)}] to load the model, with CPU fallback switched off; none could: {tried}.");
    }

    private static InferenceSession OpenSession(string path, SessionOptions options)
    {
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException ex)
        {
            var length = new FileInfo(path).Length;
            throw new ModelLoadException($"Expected '{path}' to be an ONNX model ONNX Runtime can load; got a file of {length} bytes that failed: {ex.Message}", ex);
        }
    }

    private static string Flatten(Exception ex) => ex.Message.ReplaceLineEndings(" ").Trim();

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

    /// <summary>Buffers rented from the tensor pool and not yet returned, across all instances (embeddings not yet disposed included).</summary>
    internal static long OutstandingPooledBuffers => Interlocked.Read(ref _outstandingPooledBuffers);

    private static float[] RentTensor(int length)
    {
        float[] array = TensorPool.Rent(length);
        Interlocked.Increment(ref _outstandingPooledBuffers);
        return array;
    }

    private static void ReturnTensor(float[] array)
    {
        Interlocked.Decrement(ref _outstandingPooledBuffers);
        TensorPool.Return(array);
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

    private SegmentationResult DecodeCore(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeOptions options, MaskSelection selection, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        int w = embedding.OriginalWidth;
        int h = embedding.OriginalHeight;
        (double scaleX, double scaleY) = _profile.PromptScale(embedding.Frame);
        (float[] coords, float[] labels) = BuildPointInputs(prompt, scaleX, scaleY);
        int rows = labels.Length;

        float[] maskInput = RentTensor(LowResLength);
        try
        {
            Span<float> maskSpan = maskInput.AsSpan(0, LowResLength);
            if (prompt.MaskInput is { } m)
            {
                m.Span.CopyTo(maskSpan);
            }
            else
            {
                maskSpan.Clear();
            }

            float[] hasMask = [prompt.MaskInput is null ? 0f : 1f];
            float[] origSize = _profile.OrigImSize(embedding.Frame);
            var inputs = new List<OrtValue>(6);
            try
            {
                inputs.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshalReadOnly(embedding.Values), EmbeddingShape));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(coords, [1, rows, 2]));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(labels, [1, rows]));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, maskInput.AsMemory(0, LowResLength), MaskInputShape));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(hasMask, ScalarShape));
                if (_decoderInputNames.Length == 6)
                {
                    inputs.Add(OrtValue.CreateTensorValueFromMemory(origSize, SizeShape));
                }

                using IDisposableReadOnlyCollection<OrtValue> outputs = RunAllocating(_decoder, _decoderInputNames, inputs, _decoderOutputNames, cancellationToken);
                return BuildResult(outputs, embedding.Frame, rows, options, selection, start);
            }
            finally
            {
                foreach (OrtValue v in inputs)
                {
                    v.Dispose();
                }
            }
        }
        finally
        {
            ReturnTensor(maskInput);
        }
    }

    // A decoder exported with a prompt-batch axis (model.json "batchAxis": true): prompts with the same number of
    // point rows and the same mask-input presence run together, at most MaxPromptBatch per run (bounding the
    // [B, K, h, w] logits output); results keep the prompts' order and equal single decodes.
    private IReadOnlyList<SegmentationResult> DecodeBatched(ImageEmbedding embedding, IReadOnlyList<SegmentationPrompt> prompts, DecodeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        foreach (SegmentationPrompt prompt in prompts)
        {
            CheckDecodeArguments(embedding, prompt, options);
        }

        Enter();
        try
        {
            var results = new SegmentationResult[prompts.Count];
            foreach (IGrouping<(int Rows, bool Mask), int> group in Enumerable.Range(0, prompts.Count)
                .GroupBy(i => (prompts[i].Points.Count + (prompts[i].Box is null ? 1 : 2), prompts[i].MaskInput is not null)))
            {
                int[] members = [.. group];
                for (int at = 0; at < members.Length; at += MaxPromptBatch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    DecodeGroup(embedding, prompts, members[at..Math.Min(members.Length, at + MaxPromptBatch)], group.Key.Rows, options, results, cancellationToken);
                }
            }

            return results;
        }
        finally
        {
            Exit();
        }
    }

    private void DecodeGroup(ImageEmbedding embedding, IReadOnlyList<SegmentationPrompt> prompts, int[] members, int rows, DecodeOptions options, SegmentationResult[] results, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        int b = members.Length;
        int w = embedding.OriginalWidth;
        int h = embedding.OriginalHeight;
        MaskSelection selection = ResolveSelection(options);
        (double scaleX, double scaleY) = _profile.PromptScale(embedding.Frame);
        var coords = new float[b * rows * 2];
        var labels = new float[b * rows];
        var hasMask = new float[b];
        float[] maskInput = RentTensor(b * LowResLength);
        try
        {
            Span<float> maskSpan = maskInput.AsSpan(0, b * LowResLength);
            for (int j = 0; j < b; j++)
            {
                SegmentationPrompt prompt = prompts[members[j]];
                (float[] c, float[] l) = BuildPointInputs(prompt, scaleX, scaleY);
                c.CopyTo(coords, j * rows * 2);
                l.CopyTo(labels, j * rows);
                Span<float> m = maskSpan.Slice(j * LowResLength, LowResLength);
                if (prompt.MaskInput is { } input)
                {
                    input.Span.CopyTo(m);
                    hasMask[j] = 1f;
                }
                else
                {
                    m.Clear();
                }
            }

            float[] origSize = _profile.OrigImSize(embedding.Frame);
            var inputs = new List<OrtValue>(6);
            try
            {
                inputs.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshalReadOnly(embedding.Values), EmbeddingShape));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(coords, [b, rows, 2]));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(labels, [b, rows]));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, maskInput.AsMemory(0, b * LowResLength), [b, 1, SamContract.LowResSide, SamContract.LowResSide]));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(hasMask, [b]));
                if (_decoderInputNames.Length == 6)
                {
                    inputs.Add(OrtValue.CreateTensorValueFromMemory(origSize, SizeShape));
                }

                using IDisposableReadOnlyCollection<OrtValue> outputs = RunAllocating(_decoder, _decoderInputNames, inputs, _decoderOutputNames, cancellationToken);
                for (int j = 0; j < b; j++)
                {
                    SegmentationResult result = BuildResult(outputs, embedding.Frame, rows, options, selection, start, j, b);
                    results[members[j]] = result;
                    SkinSamInstruments.DecodeDuration.Record(result.Elapsed.TotalMilliseconds / b, _tags);
                    SkinSamInstruments.PromptsDecoded.Add(1, _tags);
                }
            }
            finally
            {
                foreach (OrtValue v in inputs)
                {
                    v.Dispose();
                }
            }
        }
        finally
        {
            ReturnTensor(maskInput);
        }
    }

    private SegmentationResult BuildResult(IDisposableReadOnlyCollection<OrtValue> outputs, ImageFrame frame, int rows, DecodeOptions options, MaskSelection selection, long start, int batchIndex = 0, int batchSize = 1)
    {
        int w = frame.OriginalWidth;
        int h = frame.OriginalHeight;
        bool graphMasks = _graphMasks;
        OrtValue iouValue = outputs[graphMasks ? 1 : 0];
        OrtValue lowResValue = outputs[graphMasks ? 2 : 1];
        ReadOnlySpan<float> iou = iouValue.GetTensorDataAsSpan<float>();
        ReadOnlySpan<float> lowRes = lowResValue.GetTensorDataAsSpan<float>();
        int k = iou.Length / batchSize;
        string file = Info.Manifest.DecoderFile;
        if (k < 1 || iou.Length != k * batchSize || lowRes.Length != batchSize * k * LowResLength)
        {
            throw new ModelOutputException($"{file}: expected '{SamContract.IouPredictions}' [{batchSize},K] and '{SamContract.LowResMasks}' [{batchSize},K,{SamContract.LowResSide},{SamContract.LowResSide}] with K >= 1; got {iou.Length} IoU values and {lowRes.Length} low-res logits.");
        }

        // A prompt-batch run: this prompt's slice of every output.
        iou = iou.Slice(batchIndex * k, k);
        lowRes = lowRes.Slice(batchIndex * k * LowResLength, k * LowResLength);

        // The IoU predictions drive the selection, so all of them are checked; logits are checked for the
        // candidates the result returns (below), which is all a caller can see.
        CheckFinite(iou, SamContract.IouPredictions, file);

        // Logits at the original size, per candidate, when the graph made them.
        ReadOnlySpan<float> fullLogits = default;
        if (graphMasks)
        {
            OrtValue masksValue = outputs[0];
            long[] shape = masksValue.GetTensorTypeAndShape().Shape;
            fullLogits = masksValue.GetTensorDataAsSpan<float>();
            if (shape.Length != 4 || shape[0] != batchSize || shape[1] != k || shape[2] != h || shape[3] != w)
            {
                throw new ModelOutputException($"{file}: expected '{SamContract.Masks}' of shape [{batchSize},{k},{h},{w}]; got [{string.Join(",", shape)}].");
            }

            fullLogits = fullLogits.Slice(batchIndex * k * w * h, k * w * h);
        }

        int selected = SelectMask(iou, rows, selection);
        MaskThresholds thresholds = _profile.Thresholds(Info.Manifest.MaskThreshold, options.StabilityOffset);
        var candidates = new List<MaskCandidate>(options.MultimaskOutput ? k : 1);
        MaskCandidate? chosen = null;
        for (int i = 0; i < k; i++)
        {
            if (i != selected && !options.MultimaskOutput)
            {
                continue;
            }

            ReadOnlySpan<float> low = lowRes.Slice(i * LowResLength, LowResLength);
            float[] lowCopy = GC.AllocateUninitializedArray<float>(LowResLength);
            low.CopyTo(lowCopy);
            CheckFinite(lowCopy, SamContract.LowResMasks, file);
            ReadOnlySpan<float> graphMask = graphMasks ? fullLogits.Slice(i * w * h, w * h) : default;
            float[]? returned = null;
            float[]? rented = null;
            ReadOnlySpan<float> logits;
            if (graphMasks && !options.ReturnLogits)
            {
                // The graph already produced logits at the original size: threshold them in place, no copy.
                logits = graphMask;
            }
            else
            {
                float[] buffer = options.ReturnLogits ? (returned = GC.AllocateUninitializedArray<float>(w * h)) : (rented = RentTensor(w * h));
                Span<float> target = buffer.AsSpan(0, w * h);
                _profile.WriteMaskValues(low, graphMask, frame, target);
                logits = target;
            }

            // One pass: the mask (every pixel written), the stability counts and the finiteness check.
            BinaryMask mask = BinaryMask.CreateUninitialized(w, h);
            (int union, int intersection, bool finite) = MaskThreshold.ApplyAndCount(logits, mask.Data, thresholds.Mask, thresholds.StabilityLow, thresholds.StabilityHigh);
            if (!finite)
            {
                // Count before the buffer goes back to the pool: the logits may live in it.
                string message = $"{file}: expected finite values in '{(graphMasks ? SamContract.Masks : SamContract.LowResMasks)}'; got {CountNonFinite(logits)} NaN or infinite of {logits.Length} in mask {i}.";
                if (rented is not null)
                {
                    ReturnTensor(rented);
                }

                throw new ModelOutputException(message);
            }

            float stability = StabilityScore.FromCounts(union, intersection);
            if (rented is not null)
            {
                ReturnTensor(rented);
            }

            if (i == selected)
            {
                if (options.FillHoles)
                {
                    mask = mask.FillHoles();
                }

                if (options.LargestComponentOnly)
                {
                    mask = mask.KeepLargestComponent();
                }
            }

            var candidate = new MaskCandidate(i, mask, iou[i], stability, returned, lowCopy);
            candidates.Add(candidate);
            if (i == selected)
            {
                chosen = candidate;
            }
        }

        MaskCandidate best = chosen!;
        return new SegmentationResult
        {
            Mask = best.Mask,
            MaskIndex = selected,
            PredictedIou = best.PredictedIou,
            StabilityScore = best.StabilityScore,
            Selection = selection,
            Area = best.Mask.Area,
            BoundingBox = best.Mask.BoundingBox,
            Logits = best.Logits,
            LowResLogits = best.LowResLogits,
            Candidates = candidates,
            Elapsed = Stopwatch.GetElapsedTime(start),
        };
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

    private static Memory<float> MemoryMarshalReadOnly(ReadOnlyMemory<float> values) =>
        System.Runtime.InteropServices.MemoryMarshal.AsMemory(values);

    private void Run(InferenceSession session, string[] inputNames, OrtValue[] inputs, string[] outputNames, OrtValue[] outputs, CancellationToken cancellationToken)
    {
        using var runOptions = new RunOptions();
        using CancellationTokenRegistration registration = Track(runOptions, cancellationToken);
        try
        {
            session.Run(runOptions, inputNames, inputs, outputNames, outputs);
        }
        catch (OnnxRuntimeException ex)
        {
            throw Translate(ex, cancellationToken);
        }
        finally
        {
            Untrack(runOptions);
        }
    }

    private IDisposableReadOnlyCollection<OrtValue> RunAllocating(InferenceSession session, string[] inputNames, List<OrtValue> inputs, string[] outputNames, CancellationToken cancellationToken)
    {
        using var runOptions = new RunOptions();
        using CancellationTokenRegistration registration = Track(runOptions, cancellationToken);
        try
        {
            return session.Run(runOptions, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException ex)
        {
            throw Translate(ex, cancellationToken);
        }
        finally
        {
            Untrack(runOptions);
        }
    }

    private CancellationTokenRegistration Track(RunOptions runOptions, CancellationToken cancellationToken)
    {
        _running.TryAdd(runOptions, 0);
        if (Volatile.Read(ref _disposed) == 1)
        {
            runOptions.Terminate = true;
        }

        return cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions)
            : default;
    }

    private void Untrack(RunOptions runOptions)
    {
        lock (_runningGate)
        {
            _running.TryRemove(runOptions, out _);
        }
    }

    private Exception Translate(OnnxRuntimeException ex, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The model run was cancelled.", ex, cancellationToken);
        }

        if (Volatile.Read(ref _disposed) == 1)
        {
            return new ObjectDisposedException(nameof(SamOnnxModel), "The model was disposed while the call was running.");
        }

        return new ModelOutputException($"ONNX Runtime failed while running model '{Info.Name}': {ex.Message}", ex);
    }

    private void Enter()
    {
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _disposed) == 1)
        {
            Interlocked.Decrement(ref _inFlight);
            throw new ObjectDisposedException(nameof(SamOnnxModel), $"Model '{Info.Name}' was disposed.");
        }
    }

    private void Exit() => Interlocked.Decrement(ref _inFlight);
}
