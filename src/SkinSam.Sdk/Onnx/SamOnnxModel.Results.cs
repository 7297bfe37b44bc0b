using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Postprocessing;

namespace SkinSam.Sdk.Onnx;

// SamOnnxModel, output checks and result building: the decoder's outputs (IoU predictions, low-res logits) checked
// against the contract (shapes, finite values), the mask selected on the IoU predictions, the chosen candidate
// brought to the original size and thresholded through the profile, and the SegmentationResult built.
public sealed partial class SamOnnxModel
{
    private SegmentationResult BuildResult(IDisposableReadOnlyCollection<OrtValue> outputs, ImageFrame frame, int rows, DecodeOptions options, MaskSelection selection, long start, int batchIndex = 0, int batchSize = 1)
    {
        int w = frame.OriginalWidth;
        int h = frame.OriginalHeight;
        ReadOnlySpan<float> iou = outputs[0].GetTensorDataAsSpan<float>();
        ReadOnlySpan<float> lowRes = outputs[1].GetTensorDataAsSpan<float>();
        int k = CandidatesPerPrompt(iou, lowRes, batchSize);
        string file = Info.Manifest.DecoderFile;

        // A prompt-batch run: this prompt's slice of every output.
        iou = iou.Slice(batchIndex * k, k);
        lowRes = lowRes.Slice(batchIndex * k * LowResLength, k * LowResLength);

        // The IoU predictions drive the selection, so all of them are checked; logits are checked for the
        // candidates the result returns (below), which is all a caller can see.
        CheckFinite(iou, SamContract.IouPredictions, file);

        // The mask is chosen on the IoU predictions alone, before anything is upsampled: only the chosen candidate
        // (every candidate when multimask output is asked for) is brought to the original size, one at a time.
        int selected = SamDecoderInputs.SelectMask(iou, rows, selection);
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

            // Every pixel of the mask is written by either branch.
            BinaryMask mask = BinaryMask.CreateUninitialized(w, h);
            float[]? returned = null;
            int union, intersection, nonFinite;
            if (options.ReturnLogits)
            {
                returned = GC.AllocateUninitializedArray<float>(w * h);
                _profile.WriteMaskValues(lowCopy, frame, returned);
                (union, intersection, bool finite) = MaskThreshold.ApplyAndCount(returned, mask.Data, thresholds.Mask, thresholds.StabilityLow, thresholds.StabilityHigh);
                nonFinite = finite ? 0 : CountNonFinite(returned);
            }
            else
            {
                // Streamed a block of rows at a time: no original-size float plane.
                (union, intersection, nonFinite) = _profile.ThresholdMask(lowCopy, frame, thresholds, mask.Data);
            }

            if (nonFinite > 0)
            {
                throw new ModelOutputException($"{file}: expected finite mask values from '{SamContract.LowResMasks}'; got {nonFinite} NaN or infinite of {(long)w * h} in mask {i} at the original size.");
            }

            float stability = StabilityScore.FromCounts(union, intersection);
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

    // K, the candidates per prompt of a run over batchSize prompts, once the two outputs' lengths agree with it.
    private int CandidatesPerPrompt(ReadOnlySpan<float> iou, ReadOnlySpan<float> lowRes, int batchSize)
    {
        int k = iou.Length / batchSize;
        if (k < 1 || iou.Length != k * batchSize || lowRes.Length != batchSize * k * LowResLength)
        {
            throw new ModelOutputException($"{Info.Manifest.DecoderFile}: expected '{SamContract.IouPredictions}' [{batchSize},K] and '{SamContract.LowResMasks}' [{batchSize},K,{SamContract.LowResSide},{SamContract.LowResSide}] with K >= 1; got {iou.Length} IoU values and {lowRes.Length} low-res logits.");
        }

        return k;
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
