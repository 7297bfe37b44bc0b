namespace SkinSam.Sdk.Models;

/// <summary>
/// An encoded image: the encoder's named output tensors and the sizes decoding needs. Encode once, decode any number of
/// prompts; an embedding may be kept, reused from many threads, saved (<see cref="Save"/>) and loaded (<see cref="Load"/>).
/// </summary>
/// <remarks>
/// An embedding is tied to a model by <see cref="ModelFingerprint"/>, a digest of the model's weights and contract
/// (<see cref="ModelInfo.Fingerprint"/>), not by the instance: any instance loaded from the same model folder (or a
/// byte-identical copy) accepts it, any other model refuses it. Dispose it to return its buffer to the pool early.
/// </remarks>
public sealed class ImageEmbedding : IDisposable
{
    /// <summary>The most tensors an embedding may hold.</summary>
    public const int MaxTensors = 16;

    /// <summary>The longest fingerprint or model name, in UTF-8 bytes.</summary>
    public const int MaxLabelBytes = 256;

    private readonly Action<float[]>? _release;
    private readonly ImageEmbeddingTensor[] _tensors;
    private float[]? _pooled;

    /// <summary>Creates an embedding over caller-owned tensors, checking everything a decoder will rely on.</summary>
    /// <param name="modelName">The name of the model that made it (for messages).</param>
    /// <param name="modelFingerprint">The <see cref="ModelInfo.Fingerprint"/> of the model that made it.</param>
    /// <param name="originalWidth">Width of the encoded image, 1 to 65,536.</param>
    /// <param name="originalHeight">Height of the encoded image, 1 to 65,536.</param>
    /// <param name="resizedWidth">Width of the image in the model's frame, at least 1.</param>
    /// <param name="resizedHeight">Height of the image in the model's frame, at least 1.</param>
    /// <param name="tensors">The encoder outputs with distinct names; empty for models without an encoder.</param>
    /// <exception cref="ArgumentException">An empty or over-long name or fingerprint, a size out of range, or duplicate tensor names.</exception>
    public ImageEmbedding(string modelName, string modelFingerprint, int originalWidth, int originalHeight, int resizedWidth, int resizedHeight, IReadOnlyList<ImageEmbeddingTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        CheckLabel(modelName, nameof(modelName));
        CheckLabel(modelFingerprint, nameof(modelFingerprint));
        CheckSize(originalWidth, nameof(originalWidth), Imaging.ImageBuffer.MaxDimension);
        CheckSize(originalHeight, nameof(originalHeight), Imaging.ImageBuffer.MaxDimension);
        CheckSize(resizedWidth, nameof(resizedWidth), Imaging.ImageBuffer.MaxDimension);
        CheckSize(resizedHeight, nameof(resizedHeight), Imaging.ImageBuffer.MaxDimension);
        if (tensors.Count > MaxTensors)
        {
            throw new ArgumentException($"Expected at most {MaxTensors} tensors; got {tensors.Count}.", nameof(tensors));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Count; i++)
        {
            if (tensors[i] is null)
            {
                throw new ArgumentException($"Expected a tensor at index {i}; got null.", nameof(tensors));
            }

            if (!names.Add(tensors[i].Name))
            {
                throw new ArgumentException($"Expected distinct tensor names; got '{tensors[i].Name}' twice.", nameof(tensors));
            }
        }

        ModelName = modelName;
        ModelFingerprint = modelFingerprint;
        Frame = new ImageFrame(originalWidth, originalHeight, resizedWidth, resizedHeight);
        _tensors = [.. tensors];
        foreach (ImageEmbeddingTensor t in _tensors)
        {
            t.AttachTo(this);
        }
    }

    // The SDK's encoders: the frame their profile made, tensors over one pooled buffer, values already checked.
    internal ImageEmbedding(string modelName, string modelFingerprint, ImageFrame frame, ImageEmbeddingTensor[] tensors, float[]? pooled, Action<float[]>? release)
        : this(modelName, modelFingerprint, frame, tensors)
    {
        _pooled = pooled;
        _release = release;
    }

    // Tensors the SDK has checked already (a cache's copy): no second pass over the values.
    private ImageEmbedding(string modelName, string modelFingerprint, ImageFrame frame, ImageEmbeddingTensor[] tensors)
    {
        ModelName = modelName;
        ModelFingerprint = modelFingerprint;
        Frame = frame;
        _tensors = tensors;
        foreach (ImageEmbeddingTensor t in _tensors)
        {
            t.AttachTo(this);
        }
    }

    /// <summary>The name of the model that made this embedding.</summary>
    public string ModelName { get; }

    /// <summary>The fingerprint of the model that made this embedding (<see cref="ModelInfo.Fingerprint"/>).</summary>
    public string ModelFingerprint { get; }

    /// <summary>
    /// The geometry of the encoded image in the model's frame. An embedding made by a model holds the frame that
    /// model's profile made; one built by hand or loaded from a file holds a frame of the default padded and
    /// low-resolution sides, which the decoding model checks against its own.
    /// </summary>
    public ImageFrame Frame { get; }

    /// <summary>Width of the encoded image in pixels.</summary>
    public int OriginalWidth => Frame.OriginalWidth;

    /// <summary>Height of the encoded image in pixels.</summary>
    public int OriginalHeight => Frame.OriginalHeight;

    /// <summary>Width of the image in the model's frame.</summary>
    public int ResizedWidth => Frame.ResizedWidth;

    /// <summary>Height of the image in the model's frame.</summary>
    public int ResizedHeight => Frame.ResizedHeight;

    /// <summary>True once disposed.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>The encoder outputs, in the order the model produced them.</summary>
    /// <exception cref="ObjectDisposedException">The embedding was disposed.</exception>
    public IReadOnlyList<ImageEmbeddingTensor> Tensors
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return _tensors;
        }
    }

    /// <summary>The first tensor's values, flattened (SAM v1: <c>image_embeddings</c>); empty when there is none.</summary>
    /// <exception cref="ObjectDisposedException">The embedding was disposed.</exception>
    public ReadOnlyMemory<float> Values
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return _tensors.Length == 0 ? ReadOnlyMemory<float>.Empty : _tensors[0].Values;
        }
    }

    /// <summary>The bytes the tensor values take (4 per value); what <see cref="ImageEmbeddingCache"/> counts.</summary>
    public long ValueBytes => _tensors.Sum(t => (long)t.Values.Length * sizeof(float));

    /// <summary>The tensor of the given name.</summary>
    /// <param name="name">The encoder output's name.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="KeyNotFoundException">No tensor has that name; the message lists the ones there are.</exception>
    /// <exception cref="ObjectDisposedException">The embedding was disposed.</exception>
    public ImageEmbeddingTensor GetTensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        foreach (ImageEmbeddingTensor t in _tensors)
        {
            if (string.Equals(t.Name, name, StringComparison.Ordinal))
            {
                return t;
            }
        }

        throw new KeyNotFoundException($"Expected a tensor named '{name}'; got {(_tensors.Length == 0 ? "no tensors" : string.Join(", ", _tensors.Select(t => t.ToString())))}.");
    }

    /// <summary>
    /// Writes the embedding in the SDK's embedding format (version 1, see <c>docs/concepts.md</c>): magic, version,
    /// model name and fingerprint, sizes, named tensor shapes, the float32 values and a SHA-256 of all that.
    /// </summary>
    /// <param name="stream">A writable stream; written from its current position, left open.</param>
    /// <exception cref="ObjectDisposedException">The embedding was disposed.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("Expected a writable stream; got one that cannot be written.", nameof(stream));
        }

        ImageEmbeddingFormat.Write(this, _tensors, stream);
    }

    /// <summary>Reads an embedding written by <see cref="Save"/>, checking its format, limits and checksum.</summary>
    /// <param name="stream">A readable stream positioned at the embedding; left open, positioned after it.</param>
    /// <returns>The embedding, over its own (not pooled) memory.</returns>
    /// <exception cref="ImageEmbeddingFormatException">Not an embedding file, a newer version, a truncated or corrupt file, or values outside the limits.</exception>
    public static ImageEmbedding Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("Expected a readable stream; got one that cannot be read.", nameof(stream));
        }

        return ImageEmbeddingFormat.Read(stream);
    }

    internal static ImageEmbedding CreateTrusted(string modelName, string modelFingerprint, ImageFrame frame, ImageEmbeddingTensor[] tensors) =>
        new(modelName, modelFingerprint, frame, tensors);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{OriginalWidth}x{OriginalHeight} (frame {ResizedWidth}x{ResizedHeight}) by '{ModelName}' ({ModelFingerprint}): {string.Join(", ", _tensors.Select(t => t.ToString()))}";

    /// <inheritdoc/>
    public void Dispose()
    {
        if (IsDisposed)
        {
            return;
        }

        IsDisposed = true;
        float[]? pooled = Interlocked.Exchange(ref _pooled, null);
        if (pooled is not null)
        {
            _release?.Invoke(pooled);
        }
    }

    private static void CheckLabel(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        int bytes = System.Text.Encoding.UTF8.GetByteCount(value);
        if (bytes < 1 || bytes > MaxLabelBytes || value.Any(char.IsControl))
        {
            throw new ArgumentException($"Expected {name} of 1 to {MaxLabelBytes} UTF-8 bytes without control characters; got '{value}' ({bytes} bytes).", name);
        }
    }

    private static void CheckSize(int value, string name, int max)
    {
        if (value < 1 || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Expected {name} of 1 to {max}; got {value}.");
        }
    }
}
