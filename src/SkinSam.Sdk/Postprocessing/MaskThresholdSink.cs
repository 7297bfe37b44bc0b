namespace SkinSam.Sdk.Postprocessing;

/// <summary>
/// A streaming sink that does, block by block, what the decoder needs from a candidate's values at the original
/// size: the mask (<c>value &gt; Mask</c>), the stability score's counts (values above the low and the high
/// threshold) and the count of NaN or infinite values (<see cref="MaskThreshold.ApplyAndCount"/> per block).
/// </summary>
internal ref struct MaskThresholdSink : IRowBlockSink
{
    private readonly Span<byte> _mask;
    private readonly int _width;
    private readonly float _threshold;
    private readonly float _low;
    private readonly float _high;

    /// <summary>Creates a sink writing into <paramref name="mask"/> (one byte per output value, row-major).</summary>
    /// <param name="mask">The mask, <c>width x height</c> bytes.</param>
    /// <param name="width">Output width.</param>
    /// <param name="threshold">The mask threshold.</param>
    /// <param name="low">The lower stability threshold.</param>
    /// <param name="high">The upper stability threshold.</param>
    public MaskThresholdSink(Span<byte> mask, int width, float threshold, float low, float high)
    {
        _mask = mask;
        _width = width;
        _threshold = threshold;
        _low = low;
        _high = high;
    }

    /// <summary>Values above the low threshold so far (the stability score's union).</summary>
    public int AboveLow { get; private set; }

    /// <summary>Values above the high threshold so far (the stability score's intersection).</summary>
    public int AboveHigh { get; private set; }

    /// <summary>NaN or infinite values so far.</summary>
    public int NonFinite { get; private set; }

    /// <inheritdoc/>
    public void Consume(int firstRow, ReadOnlySpan<float> rows, int rowCount)
    {
        (int aboveLow, int aboveHigh, bool finite) = MaskThreshold.ApplyAndCount(
            rows, _mask.Slice(firstRow * _width, rowCount * _width), _threshold, _low, _high);
        AboveLow += aboveLow;
        AboveHigh += aboveHigh;
        if (!finite)
        {
            foreach (float v in rows)
            {
                NonFinite += float.IsFinite(v) ? 0 : 1;
            }
        }
    }
}
