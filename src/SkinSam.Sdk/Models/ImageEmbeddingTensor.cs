namespace SkinSam.Sdk.Models;

/// <summary>
/// One named float32 tensor of an <see cref="ImageEmbedding"/>, e.g. SAM's <c>image_embeddings</c> [1, 256, 64, 64];
/// SAM 2 encoders produce three. Values are laid out row-major (C order).
/// </summary>
public sealed class ImageEmbeddingTensor
{
    /// <summary>The most dimensions a tensor may have.</summary>
    public const int MaxRank = 8;

    /// <summary>The longest tensor name, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 256;

    private readonly int[] _shape;
    private readonly ReadOnlyMemory<float> _values;
    private ImageEmbedding? _embedding;

    /// <summary>Creates a tensor over caller-owned values and checks that they fill the shape exactly.</summary>
    /// <param name="name">The encoder output's name; 1 to <see cref="MaxNameBytes"/> UTF-8 bytes, no control characters.</param>
    /// <param name="shape">The dimensions, each at least 1; 1 to <see cref="MaxRank"/> of them.</param>
    /// <param name="values">Exactly the product of <paramref name="shape"/> finite values.</param>
    /// <exception cref="ArgumentException">A name, shape or length that does not fit, or a NaN or infinite value.</exception>
    public ImageEmbeddingTensor(string name, IReadOnlyList<int> shape, ReadOnlyMemory<float> values)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        int nameBytes = System.Text.Encoding.UTF8.GetByteCount(name);
        if (nameBytes < 1 || nameBytes > MaxNameBytes || name.Any(char.IsControl))
        {
            throw new ArgumentException($"Expected a tensor name of 1 to {MaxNameBytes} UTF-8 bytes without control characters; got '{name}' ({nameBytes} bytes).", nameof(name));
        }

        if (shape.Count < 1 || shape.Count > MaxRank)
        {
            throw new ArgumentException($"Expected tensor '{name}' to have 1 to {MaxRank} dimensions; got {shape.Count}.", nameof(shape));
        }

        long elements = 1;
        for (int i = 0; i < shape.Count; i++)
        {
            if (shape[i] < 1)
            {
                throw new ArgumentException($"Expected every dimension of tensor '{name}' to be at least 1; got [{string.Join(", ", shape)}].", nameof(shape));
            }

            elements *= shape[i];
            if (elements > int.MaxValue)
            {
                throw new ArgumentException($"Expected tensor '{name}' to hold at most {int.MaxValue} values; got shape [{string.Join(", ", shape)}].", nameof(shape));
            }
        }

        if (values.Length != elements)
        {
            throw new ArgumentException($"Expected {elements} values for tensor '{name}' of shape [{string.Join(", ", shape)}]; got {values.Length}.", nameof(values));
        }

        int bad = CountNonFinite(values.Span);
        if (bad > 0)
        {
            throw new ArgumentException($"Expected finite values in tensor '{name}'; got {bad} NaN or infinite of {values.Length}.", nameof(values));
        }

        Name = name;
        _shape = [.. shape];
        _values = values;
    }

    // The SDK's own encoders have checked the values already.
    private ImageEmbeddingTensor(string name, int[] shape, ReadOnlyMemory<float> values, bool trusted)
    {
        _ = trusted;
        Name = name;
        _shape = shape;
        _values = values;
    }

    /// <summary>The encoder output's name.</summary>
    public string Name { get; }

    /// <summary>The dimensions.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The values, row-major.</summary>
    /// <exception cref="ObjectDisposedException">The embedding holding this tensor was disposed.</exception>
    public ReadOnlyMemory<float> Values
    {
        get
        {
            if (_embedding is { IsDisposed: true } e)
            {
                throw new ObjectDisposedException(nameof(ImageEmbedding), $"The embedding holding tensor '{Name}' was disposed; its values went back to the pool.");
            }

            return _values;
        }
    }

    /// <summary>The shape as text, e.g. <c>[1, 256, 64, 64]</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Name} [{string.Join(", ", _shape)}]";

    internal static ImageEmbeddingTensor Trusted(string name, int[] shape, ReadOnlyMemory<float> values) => new(name, shape, values, trusted: true);

    internal int[] ShapeArray => _shape;

    internal void AttachTo(ImageEmbedding embedding) => _embedding = embedding;

    internal static int CountNonFinite(ReadOnlySpan<float> values)
    {
        if (float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum(values)))
        {
            return 0;
        }

        int bad = 0;
        foreach (float v in values)
        {
            bad += float.IsFinite(v) ? 0 : 1;
        }

        return bad;
    }
}
