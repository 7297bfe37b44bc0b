using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkinSam.Sdk.Diagnostics;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Postprocessing;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Onnx;

// Sam2OnnxModel, the decoder run: arguments checked, the prompt sequence and the other inputs built, the outputs
// checked, a token selected by SAM 2's rules, the optional clean-up, the one resize and the result.
public sealed partial class Sam2OnnxModel
{
    private static readonly int[] AllTokens = [0, 1, 2, 3];
    private static readonly int[] MultimaskTokens = [1, 2, 3];
    private static readonly int[] SingleToken = [0];

    /// <inheritdoc/>
    public SegmentationResult Decode(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentNullException.ThrowIfNull(prompt);
        options ??= DecodeOptions.Default;
        MaskSelection selection = CheckDecodeArguments(embedding, prompt, options);
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

    private MaskSelection CheckDecodeArguments(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeOptions options)
    {
        ObjectDisposedException.ThrowIf(embedding.IsDisposed, embedding);
        CheckEmbedding(embedding);
        if (!float.IsFinite(options.StabilityOffset) || options.StabilityOffset < 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Expected DecodeOptions.StabilityOffset finite and at least 0; got {options.StabilityOffset}.");
        }

        if (options.MaxHoleArea < 0 || options.MaxSprinkleArea < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Expected DecodeOptions.MaxHoleArea and MaxSprinkleArea of at least 0 (0 switches the clean-up off); got {options.MaxHoleArea} and {options.MaxSprinkleArea}.");
        }

        prompt.Validate(embedding.OriginalWidth, embedding.OriginalHeight);
        if (prompt.IsEmpty)
        {
            throw new InvalidPromptException(
                $"Expected at least one point, a box or a mask input: SAM 2.1 model '{Info.Name}' does not segment without a prompt; got an empty prompt.");
        }

        MaskSelection selection = options.Selection == MaskSelection.ModelDefault ? Info.DefaultSelection : options.Selection;
        if (selection == MaskSelection.OfficialOnnx)
        {
            throw new NotSupportedException(
                $"Expected Selection {nameof(MaskSelection.DynamicMultimaskViaStability)} (SAM 2.1's single-mask rule, the default), {nameof(MaskSelection.PredictorFirstMask)} or {nameof(MaskSelection.HighestPredictedIou)} for SAM 2.1 model '{Info.Name}'; got {nameof(MaskSelection.OfficialOnnx)}, the rule of SAM v1's single-mask ONNX export.");
        }

        if (Info.MaskCount == 1 && selection != MaskSelection.DynamicMultimaskViaStability)
        {
            throw new NotSupportedException(
                $"{Info.Manifest.DecoderFile} returns one mask chosen inside the graph; expected Selection {nameof(MaskSelection.DynamicMultimaskViaStability)} or {nameof(MaskSelection.ModelDefault)}; got {options.Selection}. Use a decoder that returns all mask tokens for other rules.");
        }

        if (Info.MaskCount == 3 && selection == MaskSelection.PredictorFirstMask)
        {
            throw new NotSupportedException(
                $"{Info.Manifest.DecoderFile} returns only the multimask tokens 1..3; expected a Selection other than {nameof(MaskSelection.PredictorFirstMask)} (token 0); got it.");
        }

        return selection;
    }

    // The fingerprint names the weights and contract; the tensor and frame checks catch embeddings built by hand.
    private void CheckEmbedding(ImageEmbedding embedding)
    {
        if (!string.Equals(embedding.ModelFingerprint, Info.Fingerprint, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Expected an embedding made by this model ('{Info.Name}', {ModelFingerprint.Short(Info.Fingerprint)}); got one made by '{embedding.ModelName}' ({ModelFingerprint.Short(embedding.ModelFingerprint)}). Encode the image with this model.",
                nameof(embedding));
        }

        IReadOnlyList<ImageEmbeddingTensor> tensors = embedding.Tensors;
        bool ok = tensors.Count == Sam2Contract.FeatureNames.Length;
        for (int i = 0; ok && i < Sam2Contract.FeatureNames.Length; i++)
        {
            ImageEmbeddingTensor? t = tensors.FirstOrDefault(t => t.Name == Sam2Contract.FeatureNames[i]);
            ok = t is not null && t.Shape.SequenceEqual(Sam2Contract.FeatureShapes[i]);
        }

        if (!ok)
        {
            string expected = string.Join(", ", Sam2Contract.FeatureNames.Select((n, i) => $"{n} [{string.Join(", ", Sam2Contract.FeatureShapes[i])}]"));
            throw new ArgumentException(
                $"Expected the SAM 2.1 tensors {expected}; got {(tensors.Count == 0 ? "none" : string.Join(", ", tensors.Select(t => t.ToString())))}.",
                nameof(embedding));
        }

        ImageFrame expectedFrame = _profile.CreateFrame(embedding.OriginalWidth, embedding.OriginalHeight);
        if (embedding.ResizedWidth != expectedFrame.ResizedWidth || embedding.ResizedHeight != expectedFrame.ResizedHeight)
        {
            throw new ArgumentException(
                $"Expected a frame of {expectedFrame.ResizedWidth}x{expectedFrame.ResizedHeight} for a {embedding.OriginalWidth}x{embedding.OriginalHeight} image under the sam2 profile; got {embedding.ResizedWidth}x{embedding.ResizedHeight}.",
                nameof(embedding));
        }
    }

    private SegmentationResult DecodeCore(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeOptions options, MaskSelection selection, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        using IDisposableReadOnlyCollection<OrtValue> outputs = RunDecoder(embedding, prompt, cancellationToken);
        return BuildResult(outputs, graphMasks: false, embedding.Frame, options, selection, start);
    }

    // One decoder run; the outputs, [1, K] IoU predictions and [1, K, 256, 256] low-res logits (RunDecoder never
    // fetches the graph's 'masks'), are ONNX Runtime's own, so the inputs are released before they are read.
    private IDisposableReadOnlyCollection<OrtValue> RunDecoder(ImageEmbedding embedding, SegmentationPrompt prompt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ImageFrame frame = embedding.Frame;
        (float[] coords, float[] labels) = Sam2MaskRules.BuildPointInputs(prompt, frame, _signature.GraphAppendsPadding);
        int rows = labels.Length;
        // The graph's 'masks' output (one bilinear resize of the low-res logits to orig_im_size) is never fetched:
        // ONNX Runtime runs every node whatever is fetched, so the SDK feeds orig_im_size = (256, 256), where that
        // resize is the identity, and resizes the chosen candidate itself (Sam2Profile.WriteMaskValues, PyTorch's
        // bilinear): no K original-size planes in ONNX Runtime's arena, whatever the image size (as for SAM v1).
        bool graphMasks = false;
        string[] outputNames = graphMasks
            ? [SamContract.Masks, SamContract.IouPredictions, SamContract.LowResMasks]
            : [SamContract.IouPredictions, SamContract.LowResMasks];

        float[] maskInput = _pool.Rent(LowResLength);
        var inputs = new List<OrtValue>(8);
        var names = new List<string>(8);
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

            for (int i = 0; i < Sam2Contract.FeatureNames.Length; i++)
            {
                ReadOnlyMemory<float> values = embedding.GetTensor(Sam2Contract.FeatureNames[i]).Values;
                Add(Sam2Contract.FeatureNames[i], OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(values), FeatureShapes[i]));
            }

            Add(SamContract.PointCoords, rows == 0
                ? OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, 0, 2])
                : OrtValue.CreateTensorValueFromMemory(coords, [1, rows, 2]));
            Add(SamContract.PointLabels, rows == 0
                ? OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, 0])
                : OrtValue.CreateTensorValueFromMemory(labels, [1, rows]));
            Add(SamContract.MaskInput, OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, maskInput.AsMemory(0, LowResLength), MaskInputShape));
            Add(SamContract.HasMaskInput, OrtValue.CreateTensorValueFromMemory(new[] { prompt.MaskInput is null ? 0f : 1f }, ScalarShape));
            if (_signature.SizeType is { } sizeType)
            {
                const int side = SamContract.LowResSide;
                Add(SamContract.OrigImSize, sizeType switch
                {
                    TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(new[] { side, side }, SizeShape),
                    TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(new[] { (long)side, side }, SizeShape),
                    _ => OrtValue.CreateTensorValueFromMemory(new float[] { side, side }, SizeShape),
                });
            }

            return _gate.RunAllocating(_decoder, [.. names], inputs, outputNames, cancellationToken);
        }
        finally
        {
            foreach (OrtValue v in inputs)
            {
                v.Dispose();
            }

            _pool.Return(maskInput);
        }

        void Add(string name, OrtValue value)
        {
            inputs.Add(value);
            names.Add(name);
        }
    }

    private SegmentationResult BuildResult(IDisposableReadOnlyCollection<OrtValue> outputs, bool graphMasks, ImageFrame frame, DecodeOptions options, MaskSelection selection, long start)
    {
        int w = frame.OriginalWidth;
        int h = frame.OriginalHeight;
        string file = Info.Manifest.DecoderFile;
        ReadOnlySpan<float> iou = outputs[graphMasks ? 1 : 0].GetTensorDataAsSpan<float>();
        ReadOnlySpan<float> lowRes = outputs[graphMasks ? 2 : 1].GetTensorDataAsSpan<float>();
        int[] tokens = Tokens(iou, lowRes);
        int k = tokens.Length;

        CheckFinite(iou, SamContract.IouPredictions, file);
        ReadOnlySpan<float> fullLogits = default;
        if (graphMasks)
        {
            OrtValue masksValue = outputs[0];
            long[] shape = masksValue.GetTensorTypeAndShape().Shape;
            if (shape.Length != 4 || shape[0] != 1 || shape[1] != k || shape[2] != h || shape[3] != w)
            {
                throw new ModelOutputException($"{file}: expected '{SamContract.Masks}' of shape [1,{k},{h},{w}]; got [{string.Join(",", shape)}].");
            }

            fullLogits = masksValue.GetTensorDataAsSpan<float>();
        }

        // The selection reads token 0's unclamped low-res logits: check them all first.
        CheckFinite(lowRes, SamContract.LowResMasks, file);
        int selected = Sam2MaskRules.Select(selection, tokens, iou, lowRes, LowResLength);
        MaskThresholds thresholds = _profile.Thresholds(Info.Manifest.MaskThreshold, options.StabilityOffset);
        var candidates = new List<MaskCandidate>(options.MultimaskOutput ? k : 1);
        MaskCandidate? chosen = null;
        float[]? cleaned = (options.MaxHoleArea > 0 || options.MaxSprinkleArea > 0) ? _pool.Rent(LowResLength) : null;
        try
        {
            for (int i = 0; i < k; i++)
            {
                if (i != selected && !options.MultimaskOutput)
                {
                    continue;
                }

                ReadOnlySpan<float> low = lowRes.Slice(i * LowResLength, LowResLength);
                float[] lowCopy = GC.AllocateUninitializedArray<float>(LowResLength);
                System.Numerics.Tensors.TensorPrimitives.Clamp(low, -Sam2MaskRules.LowResClamp, Sam2MaskRules.LowResClamp, lowCopy);
                ReadOnlySpan<float> source = low;
                if (cleaned is not null)
                {
                    Sam2MaskCleanup.Apply(low, SamContract.LowResSide, Info.Manifest.MaskThreshold, options.MaxHoleArea, options.MaxSprinkleArea, cleaned.AsSpan(0, LowResLength));
                    source = cleaned.AsSpan(0, LowResLength);
                }

                ReadOnlySpan<float> graphMask = graphMasks ? fullLogits.Slice(i * w * h, w * h) : default;
                float[]? returned = null;
                float[]? rented = null;
                ReadOnlySpan<float> logits;
                if (graphMasks && !options.ReturnLogits)
                {
                    logits = graphMask;
                }
                else
                {
                    float[] buffer = options.ReturnLogits ? (returned = GC.AllocateUninitializedArray<float>(w * h)) : (rented = _pool.Rent(w * h));
                    Span<float> target = buffer.AsSpan(0, w * h);
                    _profile.WriteMaskValues(source, graphMask, frame, target);
                    logits = target;
                }

                BinaryMask mask = BinaryMask.CreateUninitialized(w, h);
                (int union, int intersection, bool finite) = MaskThreshold.ApplyAndCount(logits, mask.Data, thresholds.Mask, thresholds.StabilityLow, thresholds.StabilityHigh);
                if (!finite)
                {
                    string message = $"{file}: expected finite values in '{(graphMasks ? SamContract.Masks : SamContract.LowResMasks)}'; got {CountNonFinite(logits)} NaN or infinite of {logits.Length} in mask {tokens[i]}.";
                    if (rented is not null)
                    {
                        _pool.Return(rented);
                    }

                    throw new ModelOutputException(message);
                }

                float stability = StabilityScore.FromCounts(union, intersection);
                if (rented is not null)
                {
                    _pool.Return(rented);
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

                var candidate = new MaskCandidate(tokens[i], mask, iou[i], stability, returned, lowCopy);
                candidates.Add(candidate);
                if (i == selected)
                {
                    chosen = candidate;
                }
            }
        }
        finally
        {
            if (cleaned is not null)
            {
                _pool.Return(cleaned);
            }
        }

        MaskCandidate best = chosen!;
        return new SegmentationResult
        {
            Mask = best.Mask,
            MaskIndex = best.Index,
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

    // The mask tokens of the K candidates, once the two outputs' lengths agree with K (4, 3 or 1) and the model.
    private int[] Tokens(ReadOnlySpan<float> iou, ReadOnlySpan<float> lowRes)
    {
        int k = iou.Length;
        int[]? tokens = k switch { 4 => AllTokens, 3 => MultimaskTokens, 1 => SingleToken, _ => null };
        if (tokens is null || lowRes.Length != k * LowResLength || (Info.MaskCount > 0 && k != Info.MaskCount && _signature.MaskCount > 0))
        {
            throw new ModelOutputException(
                $"{Info.Manifest.DecoderFile}: expected '{SamContract.IouPredictions}' [1,K] and '{SamContract.LowResMasks}' [1,K,{SamContract.LowResSide},{SamContract.LowResSide}] with K = 4, 3 or 1; got {iou.Length} IoU values and {lowRes.Length} low-res logits.");
        }

        return tokens;
    }
}
