using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Diagnostics;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Onnx;

// SamOnnxModel, the decoder runs: one prompt, or groups of prompts on a decoder with a prompt-batch axis; the
// decoder's inputs (embedding, point rows, mask input, orig_im_size) are built here, the outputs read in
// SamOnnxModel.Results.cs.
public sealed partial class SamOnnxModel
{
    private SegmentationResult DecodeCore(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeOptions options, MaskSelection selection, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        int w = embedding.OriginalWidth;
        int h = embedding.OriginalHeight;
        (double scaleX, double scaleY) = _profile.PromptScale(embedding.Frame);
        (float[] coords, float[] labels) = SamDecoderInputs.BuildPointInputs(prompt, scaleX, scaleY);
        int rows = labels.Length;

        float[] maskInput = _pool.Rent(LowResLength);
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
            var inputs = new List<OrtValue>(6);
            OrtValue? device = DeviceEmbedding(embedding);
            try
            {
                inputs.Add(device ?? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshalReadOnly(embedding.GetTensor(SamContract.EmbeddingsName).Values), EmbeddingShape));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(coords, [1, rows, 2]));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(labels, [1, rows]));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, maskInput.AsMemory(0, LowResLength), MaskInputShape));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(hasMask, ScalarShape));
                if (_decoderInputNames.Length == 6)
                {
                    inputs.Add(OrtValue.CreateTensorValueFromMemory(_profile.UnfetchedMasksSize, SizeShape));
                }

                using IDisposableReadOnlyCollection<OrtValue> outputs = _gate.RunAllocating(_decoder, _decoderInputNames, inputs, _decoderOutputNames, cancellationToken);
                return BuildResult(outputs, embedding.Frame, rows, options, selection, start);
            }
            finally
            {
                foreach (OrtValue v in inputs)
                {
                    // The embedding's device tensor belongs to the embedding.
                    if (!ReferenceEquals(v, device))
                    {
                        v.Dispose();
                    }
                }
            }
        }
        finally
        {
            _pool.Return(maskInput);
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

        _gate.Enter();
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
            _gate.Exit();
        }
    }

    private void DecodeGroup(ImageEmbedding embedding, IReadOnlyList<SegmentationPrompt> prompts, int[] members, int rows, DecodeOptions options, SegmentationResult[] results, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        int b = members.Length;
        MaskSelection selection = ResolveSelection(options);
        using IDisposableReadOnlyCollection<OrtValue> outputs = RunGroup(embedding, prompts, members, rows, cancellationToken);
        for (int j = 0; j < b; j++)
        {
            SegmentationResult result = BuildResult(outputs, embedding.Frame, rows, options, selection, start, j, b);
            results[members[j]] = result;
            SkinSamInstruments.DecodeDuration.Record(result.Elapsed.TotalMilliseconds / b, _tags);
            SkinSamInstruments.PromptsDecoded.Add(1, _tags);
        }
    }

    // One decoder run for the group's prompts (same point rows and mask-input presence; one prompt runs on any
    // decoder, several need the prompt-batch axis): the outputs, [b, K] IoU predictions and [b, K, 256, 256]
    // low-res logits, are ONNX Runtime's own, so the inputs are released before they are read.
    private IDisposableReadOnlyCollection<OrtValue> RunGroup(ImageEmbedding embedding, IReadOnlyList<SegmentationPrompt> prompts, int[] members, int rows, CancellationToken cancellationToken)
    {
        int b = members.Length;
        (double scaleX, double scaleY) = _profile.PromptScale(embedding.Frame);
        var coords = new float[b * rows * 2];
        var labels = new float[b * rows];
        var hasMask = new float[b];
        float[] maskInput = _pool.Rent(b * LowResLength);
        try
        {
            Span<float> maskSpan = maskInput.AsSpan(0, b * LowResLength);
            for (int j = 0; j < b; j++)
            {
                SegmentationPrompt prompt = prompts[members[j]];
                (float[] c, float[] l) = SamDecoderInputs.BuildPointInputs(prompt, scaleX, scaleY);
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

            var inputs = new List<OrtValue>(6);
            OrtValue? device = DeviceEmbedding(embedding);
            try
            {
                inputs.Add(device ?? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshalReadOnly(embedding.GetTensor(SamContract.EmbeddingsName).Values), EmbeddingShape));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(coords, [b, rows, 2]));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(labels, [b, rows]));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, maskInput.AsMemory(0, b * LowResLength), [b, 1, SamContract.LowResSide, SamContract.LowResSide]));
                inputs.Add(OrtValue.CreateTensorValueFromMemory(hasMask, [b]));
                if (_decoderInputNames.Length == 6)
                {
                    inputs.Add(OrtValue.CreateTensorValueFromMemory(_profile.UnfetchedMasksSize, SizeShape));
                }

                return _gate.RunAllocating(_decoder, _decoderInputNames, inputs, _decoderOutputNames, cancellationToken);
            }
            finally
            {
                foreach (OrtValue v in inputs)
                {
                    // The embedding's device tensor belongs to the embedding.
                    if (!ReferenceEquals(v, device))
                    {
                        v.Dispose();
                    }
                }
            }
        }
        finally
        {
            _pool.Return(maskInput);
        }
    }
}
