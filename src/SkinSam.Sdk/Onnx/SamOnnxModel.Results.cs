using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Postprocessing;

namespace SkinSam.Sdk.Onnx;

// SamOnnxModel, output checks and result building: the decoder's outputs checked against the contract (shapes,
// finite values), the mask selected, thresholded through the profile, and the SegmentationResult built.
public sealed partial class SamOnnxModel
{
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
                float[] buffer = options.ReturnLogits ? (returned = GC.AllocateUninitializedArray<float>(w * h)) : (rented = _pool.Rent(w * h));
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
