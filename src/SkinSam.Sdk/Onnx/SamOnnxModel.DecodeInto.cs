using System.Diagnostics;
using SkinSam.Sdk.Diagnostics;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Onnx;

// SamOnnxModel, decoding without garbage: DecodeInto writes the chosen mask into caller-owned DecodeBuffers and
// reuses the tensors kept in them (SamDecodeScratch), so a steady-state call allocates only ONNX Runtime's own
// per-run bookkeeping.
public sealed partial class SamOnnxModel
{
    /// <inheritdoc/>
    /// <remarks>
    /// In steady state (same buffers, same embedding, prompts of a row count seen before) the call creates no
    /// tensors, arrays or run options; what remains is ONNX Runtime's managed bookkeeping per run (a few hundred
    /// bytes). <see cref="DecodeOptions.FillHoles"/> and <see cref="DecodeOptions.LargestComponentOnly"/> allocate a
    /// mask each. The mask and scores equal <see cref="Decode"/>'s for the same prompt and options.
    /// </remarks>
    public DecodeSummary DecodeInto(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeBuffers buffers, DecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentNullException.ThrowIfNull(prompt);
        SegmentationModelExtensions.CheckDecodeInto(embedding, buffers, options);
        options ??= DecodeOptions.Default;
        buffers.Enter();
        try
        {
            SamDecodeScratch scratch = ScratchFor(buffers);
            CheckDecodeArguments(embedding, prompt, options, checkEmbedding: !ReferenceEquals(scratch.Embedding, embedding));
            MaskSelection selection = ResolveSelection(options);
            _gate.Enter();
            try
            {
                DecodeSummary summary = DecodeIntoCore(embedding, prompt, buffers, scratch, options, selection, cancellationToken);
                SkinSamInstruments.DecodeDuration.Record(summary.Elapsed.TotalMilliseconds, _tags);
                SkinSamInstruments.PromptsDecoded.Add(1, _tags);
                return summary;
            }
            finally
            {
                _gate.Exit();
            }
        }
        finally
        {
            buffers.Exit();
        }
    }

    private SamDecodeScratch ScratchFor(DecodeBuffers buffers)
    {
        if (buffers.ModelState is SamDecodeScratch existing && ReferenceEquals(existing.Owner, this))
        {
            return existing;
        }

        buffers.ModelState?.Dispose();
        buffers.ModelState = null;
        var created = new SamDecodeScratch(this, Info.MaskCount, _decoderInputNames.Length == 6);
        buffers.ModelState = created;
        return created;
    }

    private DecodeSummary DecodeIntoCore(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeBuffers buffers, SamDecodeScratch scratch, DecodeOptions options, MaskSelection selection, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        ImageFrame frame = embedding.Frame;
        (double scaleX, double scaleY) = _profile.PromptScale(frame);
        int rows = scratch.Bind(embedding, DeviceEmbedding(embedding), prompt, scaleX, scaleY);
        _gate.RunWith(scratch.RunOptions, _decoder, _decoderInputNames, scratch.Inputs, _decoderOutputNames, scratch.Outputs, cancellationToken);

        string file = Info.Manifest.DecoderFile;
        ReadOnlySpan<float> iou = scratch.Iou;
        CheckFinite(iou, SamContract.IouPredictions, file);
        int selected = SamDecoderInputs.SelectMask(iou, rows, selection);
        ReadOnlySpan<float> low = scratch.LowRes.AsSpan(selected * LowResLength, LowResLength);
        CheckFinite(low, SamContract.LowResMasks, file);
        float[] lowRes = buffers.LowResBuffer;
        low.CopyTo(lowRes);

        MaskThresholds thresholds = _profile.Thresholds(Info.Manifest.MaskThreshold, options.StabilityOffset);
        BinaryMask target = buffers.Mask;
        (int union, int intersection, int nonFinite) = _profile.ThresholdMask(lowRes, frame, thresholds, target.Data);
        if (nonFinite > 0)
        {
            throw new ModelOutputException($"{file}: expected finite mask values from '{SamContract.LowResMasks}'; got {nonFinite} NaN or infinite of {(long)frame.OriginalWidth * frame.OriginalHeight} in mask {selected} at the original size.");
        }

        float stability = Postprocessing.StabilityScore.FromCounts(union, intersection);
        if (options.FillHoles || options.LargestComponentOnly)
        {
            BinaryMask mask = target;
            if (options.FillHoles)
            {
                mask = mask.FillHoles();
            }

            if (options.LargestComponentOnly)
            {
                mask = mask.KeepLargestComponent();
            }

            mask.Data.CopyTo(target.Data);
        }

        return new DecodeSummary(selected, iou[selected], stability, selection, target.Area, target.BoundingBox, Stopwatch.GetElapsedTime(start));
    }
}
