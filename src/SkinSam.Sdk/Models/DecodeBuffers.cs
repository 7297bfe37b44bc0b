using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Models;

/// <summary>
/// Caller-owned, reusable result buffers for decoding without garbage
/// (<see cref="ISegmentationModel.DecodeInto"/>): the mask at the original image size, the chosen candidate's
/// low-resolution logits, and the native state a model keeps between calls (tensors over these buffers and the
/// prompt inputs). Create one per image size and per thread, decode into it as often as needed, dispose it at the end.
/// </summary>
/// <remarks>
/// Every decode overwrites <see cref="Mask"/> and <see cref="LowResLogits"/>: copy what must outlive the next call
/// (e.g. <c>prompt.WithMaskInput(buffers.LowResLogits.ToArray())</c> for refinement). One call at a time per
/// instance: a second concurrent call throws <see cref="InvalidOperationException"/>. Disposing releases the native
/// state; the managed buffers stay readable.
/// </remarks>
public sealed class DecodeBuffers : IDisposable
{
    /// <summary>Side of the low-resolution logits, 256.</summary>
    public const int LowResSide = Onnx.SamContract.LowResSide;

    private readonly float[] _lowRes = new float[LowResSide * LowResSide];
    private int _inUse;

    /// <summary>Creates buffers for images of <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    /// <param name="width">The original image width, at least 1.</param>
    /// <param name="height">The original image height, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, or the mask would exceed the largest array.</exception>
    public DecodeBuffers(int width, int height)
    {
        if (width < 1 || height < 1 || (long)width * height > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Expected a size of at least 1x1 and at most {Array.MaxLength} pixels; got {width}x{height}.");
        }

        Mask = new BinaryMask(width, height);
    }

    /// <summary>The image width the buffers are for.</summary>
    public int Width => Mask.Width;

    /// <summary>The image height the buffers are for.</summary>
    public int Height => Mask.Height;

    /// <summary>The chosen mask of the last decode, at the original size (overwritten by every decode).</summary>
    public BinaryMask Mask { get; }

    /// <summary>The chosen candidate's 256 x 256 low-resolution logits of the last decode, row-major (overwritten by every decode).</summary>
    public ReadOnlyMemory<float> LowResLogits => _lowRes;

    /// <summary>True once <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>The writable low-resolution buffer, for models.</summary>
    internal float[] LowResBuffer => _lowRes;

    /// <summary>A model's native state for these buffers (disposed with them, or replaced when another model uses them).</summary>
    internal IDisposable? ModelState { get; set; }

    /// <summary>Releases the native state a model keeps for these buffers.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _inUse, 1) == 1 && !IsDisposed)
        {
            throw new InvalidOperationException("Expected no decode running into these DecodeBuffers while they are disposed; got one running.");
        }

        IsDisposed = true;
        ModelState?.Dispose();
        ModelState = null;
    }

    /// <summary>Marks the buffers in use by one call; throws when another call or a dispose holds them.</summary>
    internal void Enter()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (Interlocked.Exchange(ref _inUse, 1) == 1)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            throw new InvalidOperationException("Expected one decode at a time per DecodeBuffers; got a second one while the first runs. Use one DecodeBuffers per thread.");
        }
    }

    /// <summary>Releases the buffers after a call.</summary>
    internal void Exit() => Volatile.Write(ref _inUse, 0);
}
