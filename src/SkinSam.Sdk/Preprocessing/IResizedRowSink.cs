namespace SkinSam.Sdk.Preprocessing;

/// <summary>
/// Receives the output of <see cref="PilBilinearResize"/> one row at a time: the resize writes row
/// <c>y</c> into <see cref="GetRow"/>'s span, then calls <see cref="RowDone"/>, in increasing <c>y</c>.
/// </summary>
internal interface IResizedRowSink
{
    /// <summary>Where output row <paramref name="y"/> goes; exactly one row of bytes long.</summary>
    Span<byte> GetRow(int y);

    /// <summary>Row <paramref name="y"/> is complete in the span <see cref="GetRow"/> returned.</summary>
    void RowDone(int y);
}
