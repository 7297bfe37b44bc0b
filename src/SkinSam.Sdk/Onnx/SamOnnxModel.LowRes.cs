using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Diagnostics;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Onnx;

// SamOnnxModel, the low-level decode path of the automatic mask generator (ILowResDecoder): the decoder's IoU
// predictions and low-res logits handed out as they come from ONNX Runtime, with no mask built; one candidate is
// thresholded at the original size when the caller asks, through the same profile call as BuildResult.
public sealed partial class SamOnnxModel : ILowResDecoder
{
    /// <inheritdoc/>
    void ILowResDecoder.DecodeLowRes(ImageEmbedding embedding, IReadOnlyList<SegmentationPrompt> prompts, DecodeOptions options, LowResCandidatesHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        SegmentationModelExtensions.CheckPrompts(prompts);
        foreach (SegmentationPrompt prompt in prompts)
        {
            CheckDecodeArguments(embedding, prompt, options);
        }

        // Runs of consecutive prompts with the same point rows and mask-input presence, so the handler sees the
        // prompts in order: up to MaxPromptBatch per run on a prompt-batch decoder, one otherwise.
        int most = Info.Manifest.DecoderBatchAxis ? MaxPromptBatch : 1;
        string file = Info.Manifest.DecoderFile;
        _gate.Enter();
        try
        {
            for (int at = 0; at < prompts.Count;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int rows = Rows(prompts[at]);
                bool hasMask = prompts[at].MaskInput is not null;
                int end = at + 1;
                while (end < prompts.Count && end - at < most && Rows(prompts[end]) == rows && (prompts[end].MaskInput is not null) == hasMask)
                {
                    end++;
                }

                int b = end - at;
                int[] members = new int[b];
                for (int j = 0; j < b; j++)
                {
                    members[j] = at + j;
                }

                long start = Stopwatch.GetTimestamp();
                using (IDisposableReadOnlyCollection<OrtValue> outputs = RunGroup(embedding, prompts, members, rows, cancellationToken))
                {
                    ReadOnlySpan<float> iou = outputs[0].GetTensorDataAsSpan<float>();
                    ReadOnlySpan<float> lowRes = outputs[1].GetTensorDataAsSpan<float>();
                    int k = CandidatesPerPrompt(iou, lowRes, b);
                    double perPrompt = Stopwatch.GetElapsedTime(start).TotalMilliseconds / b;
                    for (int j = 0; j < b; j++)
                    {
                        ReadOnlySpan<float> promptIou = iou.Slice(j * k, k);
                        ReadOnlySpan<float> promptLowRes = lowRes.Slice(j * k * LowResLength, k * LowResLength);
                        CheckFinite(promptIou, SamContract.IouPredictions, file);
                        CheckFinite(promptLowRes, SamContract.LowResMasks, file);
                        SkinSamInstruments.DecodeDuration.Record(perPrompt, _tags);
                        SkinSamInstruments.PromptsDecoded.Add(1, _tags);
                        handler(at + j, promptIou, promptLowRes);
                    }
                }

                at = end;
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
        (int union, int intersection, int nonFinite) = _profile.ThresholdMask(lowResLogits, frame, thresholds, mask);
        if (nonFinite > 0)
        {
            throw new ModelOutputException($"{Info.Manifest.DecoderFile}: expected finite mask values from '{SamContract.LowResMasks}'; got {nonFinite} NaN or infinite of {(long)frame.OriginalWidth * frame.OriginalHeight} at the original size.");
        }

        return (union, intersection);
    }

    // The decoder's point rows for a prompt: its points, then the box's two corners or the padding point.
    private static int Rows(SegmentationPrompt prompt) => prompt.Points.Count + (prompt.Box is null ? 1 : 2);
}
