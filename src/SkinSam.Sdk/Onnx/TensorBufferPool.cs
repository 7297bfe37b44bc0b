using System.Buffers;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// The float buffers a model's tensors are created over (encoder input, embeddings, mask inputs, logit maps).
/// <see cref="Shared"/> serves every model; a pool made with <c>tracking: true</c> also counts the buffers rented
/// and not yet returned, which is how tests check that every path gives its buffers back (passed to
/// <see cref="SamOnnxModel.Load(string, Models.ModelOptions?, TensorBufferPool)"/>).
/// </summary>
internal sealed class TensorBufferPool
{
    // The longest buffer kept (4 Mi floats: the NCHW frame is 3 Mi, an original-size logit map up to that).
    private const int MaxPooledLength = 4 << 20;
    private const int MaxArraysPerBucket = 64;

    private readonly ArrayPool<float> _pool = ArrayPool<float>.Create(MaxPooledLength, MaxArraysPerBucket);
    private readonly bool _tracking;
    private long _outstanding;

    /// <summary>Creates a pool.</summary>
    /// <param name="tracking">True to count rented buffers (<see cref="Outstanding"/>).</param>
    public TensorBufferPool(bool tracking = false)
    {
        _tracking = tracking;
        ReturnBuffer = Return;
    }

    /// <summary>The pool every model uses unless given another; not tracking.</summary>
    public static TensorBufferPool Shared { get; } = new();

    /// <summary>Buffers rented and not yet returned (embeddings not yet disposed included); 0 when not tracking.</summary>
    public long Outstanding => Interlocked.Read(ref _outstanding);

    /// <summary><see cref="Return"/> as a cached delegate, for embeddings that give their buffer back on dispose.</summary>
    public Action<float[]> ReturnBuffer { get; }

    /// <summary>Rents a buffer of at least <paramref name="length"/> floats.</summary>
    /// <param name="length">Floats needed.</param>
    /// <returns>The buffer; its contents are undefined.</returns>
    public float[] Rent(int length)
    {
        float[] array = _pool.Rent(length);
        if (_tracking)
        {
            Interlocked.Increment(ref _outstanding);
        }

        return array;
    }

    /// <summary>Gives a rented buffer back.</summary>
    /// <param name="array">A buffer from <see cref="Rent"/>.</param>
    public void Return(float[] array)
    {
        if (_tracking)
        {
            Interlocked.Decrement(ref _outstanding);
        }

        _pool.Return(array);
    }
}
