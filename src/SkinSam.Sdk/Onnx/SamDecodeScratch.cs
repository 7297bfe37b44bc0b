using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// The native state <see cref="SamOnnxModel.DecodeInto"/> keeps in a <see cref="DecodeBuffers"/> between calls, so a
/// steady-state decode creates no tensors, arrays or run options: the decoder's inputs and preallocated outputs as
/// <see cref="OrtValue"/>s over arrays owned here, point rows per row count, the embedding's tensor for the last
/// embedding used, and one <see cref="RunOptions"/>. Used by one call at a time (the buffers' guard).
/// </summary>
internal sealed class SamDecodeScratch : IDisposable
{
    private const int LowResLength = SamContract.LowResSide * SamContract.LowResSide;

    private readonly Dictionary<int, (float[] Coords, float[] Labels, OrtValue CoordsValue, OrtValue LabelsValue)> _rows = [];
    private readonly float[] _maskInput = new float[LowResLength];
    private readonly float[] _hasMask = new float[1];
    private readonly OrtValue _maskInputValue;
    private readonly OrtValue _hasMaskValue;
    private readonly OrtValue? _sizeValue;
    private readonly OrtValue _iouValue;
    private readonly OrtValue _lowResValue;
    private OrtValue? _embeddingValue;
    private bool _maskInputDirty;

    /// <summary>Creates the state for <paramref name="owner"/>'s decoder.</summary>
    /// <param name="owner">The model whose decoder runs.</param>
    /// <param name="maskCount">K, the decoder's candidates per prompt.</param>
    /// <param name="feedsSize">True when the decoder has the <c>orig_im_size</c> input.</param>
    public SamDecodeScratch(SamOnnxModel owner, int maskCount, bool feedsSize)
    {
        Owner = owner;
        Iou = new float[maskCount];
        LowRes = new float[maskCount * LowResLength];
        _maskInputValue = OrtValue.CreateTensorValueFromMemory(_maskInput, [1, 1, SamContract.LowResSide, SamContract.LowResSide]);
        _hasMaskValue = OrtValue.CreateTensorValueFromMemory(_hasMask, [1]);
        _sizeValue = feedsSize ? OrtValue.CreateTensorValueFromMemory(owner.Profile.UnfetchedMasksSize, [2]) : null;
        _iouValue = OrtValue.CreateTensorValueFromMemory(Iou, [1, maskCount]);
        _lowResValue = OrtValue.CreateTensorValueFromMemory(LowRes, [1, maskCount, SamContract.LowResSide, SamContract.LowResSide]);
        Inputs = new OrtValue[feedsSize ? 6 : 5];
        Outputs = [_iouValue, _lowResValue];
    }

    /// <summary>The model this state belongs to.</summary>
    public SamOnnxModel Owner { get; }

    /// <summary>The embedding the inputs are bound to (already checked against the model), or null.</summary>
    public ImageEmbedding? Embedding { get; private set; }

    /// <summary>The decoder's inputs in the model's input-name order, bound by <see cref="Bind"/>.</summary>
    public OrtValue[] Inputs { get; }

    /// <summary>The preallocated outputs: <c>iou_predictions</c>, <c>low_res_masks</c>.</summary>
    public OrtValue[] Outputs { get; }

    /// <summary>The <c>iou_predictions</c> of the last run.</summary>
    public float[] Iou { get; }

    /// <summary>The <c>low_res_masks</c> of the last run, K x 256 x 256.</summary>
    public float[] LowRes { get; }

    /// <summary>The run options reused by every run.</summary>
    public RunOptions RunOptions { get; } = new();

    /// <summary>Binds the inputs for one prompt: the embedding's tensor (made once per embedding), its point rows, the mask input.</summary>
    /// <param name="embedding">A checked embedding of the owner.</param>
    /// <param name="deviceEmbedding">The embedding's device tensor when the owner keeps one (owned by the embedding), else null.</param>
    /// <param name="prompt">A validated prompt.</param>
    /// <param name="scaleX">The prompt scale in x.</param>
    /// <param name="scaleY">The prompt scale in y.</param>
    /// <returns>The number of point rows.</returns>
    public int Bind(ImageEmbedding embedding, OrtValue? deviceEmbedding, SegmentationPrompt prompt, double scaleX, double scaleY)
    {
        if (deviceEmbedding is not null)
        {
            _embeddingValue?.Dispose();
            _embeddingValue = null;
            Embedding = embedding;
        }
        else if (!ReferenceEquals(embedding, Embedding) || _embeddingValue is null)
        {
            _embeddingValue?.Dispose();
            _embeddingValue = null;
            Embedding = null;
            ReadOnlyMemory<float> values = embedding.GetTensor(SamContract.EmbeddingsName).Values;
            _embeddingValue = OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance, System.Runtime.InteropServices.MemoryMarshal.AsMemory(values), [1, SamContract.EmbeddingChannels, SamContract.EmbeddingSide, SamContract.EmbeddingSide]);
            Embedding = embedding;
        }

        int rows = SamDecoderInputs.RowCount(prompt);
        if (!_rows.TryGetValue(rows, out var entry))
        {
            var coords = new float[rows * 2];
            var labels = new float[rows];
            entry = (coords, labels, OrtValue.CreateTensorValueFromMemory(coords, [1, rows, 2]), OrtValue.CreateTensorValueFromMemory(labels, [1, rows]));
            _rows.Add(rows, entry);
        }

        SamDecoderInputs.WritePointInputs(prompt, scaleX, scaleY, entry.Coords, entry.Labels);
        if (prompt.MaskInput is { } m)
        {
            m.Span.CopyTo(_maskInput);
            _hasMask[0] = 1f;
            _maskInputDirty = true;
        }
        else
        {
            if (_maskInputDirty)
            {
                Array.Clear(_maskInput);
                _maskInputDirty = false;
            }

            _hasMask[0] = 0f;
        }

        Inputs[0] = deviceEmbedding ?? _embeddingValue!;
        Inputs[1] = entry.CoordsValue;
        Inputs[2] = entry.LabelsValue;
        Inputs[3] = _maskInputValue;
        Inputs[4] = _hasMaskValue;
        if (_sizeValue is not null)
        {
            Inputs[5] = _sizeValue;
        }

        return rows;
    }

    /// <summary>Releases every tensor and the run options.</summary>
    public void Dispose()
    {
        foreach ((_, _, OrtValue c, OrtValue l) in _rows.Values)
        {
            l.Dispose();
            c.Dispose();
        }

        _rows.Clear();
        _embeddingValue?.Dispose();
        _embeddingValue = null;
        Embedding = null;
        _lowResValue.Dispose();
        _iouValue.Dispose();
        _sizeValue?.Dispose();
        _hasMaskValue.Dispose();
        _maskInputValue.Dispose();
        RunOptions.Dispose();
    }
}
