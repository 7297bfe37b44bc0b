namespace SkinSam.Sdk.Postprocessing;

/// <summary>
/// Receives the output of a streaming resample (<see cref="SeparableResampler.ResampleStreaming{TSink}"/>) a block
/// of rows at a time, so a full-size float plane never has to exist: e.g. <see cref="MaskThresholdSink"/> thresholds
/// each block into the mask and counts it for the stability score.
/// </summary>
internal interface IRowBlockSink
{
    /// <summary>Takes <paramref name="rowCount"/> consecutive output rows starting at row <paramref name="firstRow"/>.</summary>
    /// <param name="firstRow">Index of the first row in the whole output.</param>
    /// <param name="rows">The rows, row-major, <c>rowCount x width</c> values; valid only during the call.</param>
    /// <param name="rowCount">Rows in the block.</param>
    void Consume(int firstRow, ReadOnlySpan<float> rows, int rowCount);
}
