using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Diagnostics;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Onnx;

// Sam2OnnxModel, the low-level decode path of the automatic mask generator (ILowResDecoder): one decoder run per
// prompt, the IoU predictions and low-res logits handed out as they come from ONNX Runtime, with no mask built; one
// candidate is brought to the original size when the caller asks, from the same values as BuildResult's (the
// unclamped logits, or their clean-up when the options ask for it).
public sealed partial class Sam2OnnxModel : ILowResDecoder
{
    /// <inheritdoc/>
    void ILowResDecoder.DecodeLowRes(ImageEmbedding embedding, IReadOnlyList<SegmentationPrompt> prompts, DecodeOptions options, LowResCandidatesHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        SegmentationModelExtensions.CheckPrompts(prompts);
        foreach (SegmentationPrompt prompt in prompts)
        {
            _ = CheckDecodeArguments(embedding, prompt, options);
        }

        string file = Info.Manifest.DecoderFile;
        _gate.Enter();
        try
        {
            for (int i = 0; i < prompts.Count; i++)
            {
                long start = Stopwatch.GetTimestamp();
                using IDisposableReadOnlyCollection<OrtValue> outputs = RunDecoder(embedding, prompts[i], cancellationToken);
                ReadOnlySpan<float> iou = outputs[0].GetTensorDataAsSpan<float>();
                ReadOnlySpan<float> lowRes = outputs[1].GetTensorDataAsSpan<float>();
                _ = Tokens(iou, lowRes);
                CheckFinite(iou, SamContract.IouPredictions, file);
                CheckFinite(lowRes, SamContract.LowResMasks, file);
                SkinSamInstruments.DecodeDuration.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds, _tags);
                SkinSamInstruments.PromptsDecoded.Add(1, _tags);
                handler(i, iou, lowRes);
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <inheritdoc/>
    (int AboveLow, int AboveHigh) ILowResDecoder.ThresholdCandidate(ReadOnlySpan<float> lowResLogits, ImageFrame frame, DecodeOptions options, Span<byte> mask)
    {
        MaskThresholds thresholds = _profile.Thresholds(Info.Manifest.MaskThreshold, options.StabilityOffset);
        float[]? cleaned = (options.MaxHoleArea > 0 || options.MaxSprinkleArea > 0) ? _pool.Rent(LowResLength) : null;
        try
        {
            ReadOnlySpan<float> source = lowResLogits;
            if (cleaned is not null)
            {
                Sam2MaskCleanup.Apply(lowResLogits, SamContract.LowResSide, Info.Manifest.MaskThreshold, options.MaxHoleArea, options.MaxSprinkleArea, cleaned.AsSpan(0, LowResLength));
                source = cleaned.AsSpan(0, LowResLength);
            }

            (int union, int intersection, int nonFinite) = _profile.ThresholdMask(source, frame, thresholds, mask);
            if (nonFinite > 0)
            {
                throw new ModelOutputException($"{Info.Manifest.DecoderFile}: expected finite values in '{SamContract.LowResMasks}'; got {nonFinite} NaN or infinite of {(long)frame.OriginalWidth * frame.OriginalHeight} at the original size.");
            }

            return (union, intersection);
        }
        finally
        {
            if (cleaned is not null)
            {
                _pool.Return(cleaned);
            }
        }
    }
}
