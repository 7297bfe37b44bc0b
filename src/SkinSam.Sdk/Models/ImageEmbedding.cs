namespace SkinSam.Sdk.Models;

/// <summary>
/// An encoded image: the encoder's output and the sizes decoding needs. Encode once, decode any number of prompts;
/// an embedding may be kept and reused from many threads. Dispose it to return its buffer to the pool early.
/// </summary>
public sealed class ImageEmbedding : IDisposable
{
    private readonly Action<float[]>? _release;
    private float[]? _pooled;
    private ReadOnlyMemory<float> _values;

    /// <summary>Creates an embedding over caller-owned values.</summary>
    /// <param name="owner">The model that made it; decoding checks it belongs to the model.</param>
    /// <param name="originalWidth">Width of the encoded image.</param>
    /// <param name="originalHeight">Height of the encoded image.</param>
    /// <param name="resizedWidth">Width of the image in the model's frame.</param>
    /// <param name="resizedHeight">Height of the image in the model's frame.</param>
    /// <param name="values">The encoder output, e.g. [1, 256, 64, 64] flattened; may be empty for models without an encoder.</param>
    public ImageEmbedding(object owner, int originalWidth, int originalHeight, int resizedWidth, int resizedHeight, ReadOnlyMemory<float> values)
        : this(owner, originalWidth, originalHeight, resizedWidth, resizedHeight, values, null, null)
    {
    }

    internal ImageEmbedding(object owner, int originalWidth, int originalHeight, int resizedWidth, int resizedHeight, ReadOnlyMemory<float> values, float[]? pooled, Action<float[]>? release)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(originalWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(originalHeight, 1);
        Owner = owner;
        OriginalWidth = originalWidth;
        OriginalHeight = originalHeight;
        ResizedWidth = resizedWidth;
        ResizedHeight = resizedHeight;
        _values = values;
        _pooled = pooled;
        _release = release;
    }

    /// <summary>The model that made this embedding.</summary>
    public object Owner { get; }

    /// <summary>Width of the encoded image in pixels.</summary>
    public int OriginalWidth { get; }

    /// <summary>Height of the encoded image in pixels.</summary>
    public int OriginalHeight { get; }

    /// <summary>Width of the image in the model's 1024 frame.</summary>
    public int ResizedWidth { get; }

    /// <summary>Height of the image in the model's 1024 frame.</summary>
    public int ResizedHeight { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>The encoder output, flattened.</summary>
    /// <exception cref="ObjectDisposedException">The embedding was disposed.</exception>
    public ReadOnlyMemory<float> Values
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return _values;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (IsDisposed)
        {
            return;
        }

        IsDisposed = true;
        _values = default;
        float[]? pooled = Interlocked.Exchange(ref _pooled, null);
        if (pooled is not null)
        {
            _release?.Invoke(pooled);
        }
    }
}
