using System.Buffers.Binary;
using System.Security.Cryptography;
using SkinSam.Sdk.Imaging;

namespace SkinSam.Sdk.Models;

/// <summary>
/// A bounded, thread-safe, least-recently-used cache of embeddings keyed by image content and model fingerprint, for
/// servers and interactive tools that see the same image again (re-opening an image is then instant).
/// </summary>
/// <remarks>
/// The cache counts <see cref="ImageEmbedding.ValueBytes"/> plus <see cref="EntryOverheadBytes"/> per entry and evicts the least recently used entries beyond
/// <see cref="CapacityBytes"/>; an embedding larger than the capacity is returned but not kept. Each call returns its own
/// <see cref="ImageEmbedding"/> over the cache's memory (never the pool's), so a caller may dispose it, or not, without
/// affecting other callers or the cache. Concurrent misses for the same key encode once; the others wait for that result.
/// </remarks>
public sealed class ImageEmbeddingCache
{
    /// <summary>
    /// Bytes counted per entry on top of its tensor values (the key, the sizes, the objects): so that embeddings without
    /// values (e.g. of a baseline model) still count against the capacity.
    /// </summary>
    public const long EntryOverheadBytes = 512;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private readonly Dictionary<string, Task<Entry>> _pending = new(StringComparer.Ordinal);
    private long _sizeBytes;
    private long _hits;
    private long _misses;

    /// <summary>Creates an empty cache.</summary>
    /// <param name="capacityBytes">The most embedding bytes kept, at least 1 (a SAM v1 embedding is 4 MiB).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacityBytes"/> is less than 1.</exception>
    public ImageEmbeddingCache(long capacityBytes)
    {
        if (capacityBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacityBytes), capacityBytes, $"Expected a capacity of at least 1 byte; got {capacityBytes}.");
        }

        CapacityBytes = capacityBytes;
    }

    /// <summary>The most embedding bytes kept.</summary>
    public long CapacityBytes { get; }

    /// <summary>The bytes kept now: values plus <see cref="EntryOverheadBytes"/> per entry.</summary>
    public long SizeBytes
    {
        get
        {
            lock (_gate)
            {
                return _sizeBytes;
            }
        }
    }

    /// <summary>The embeddings kept now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Calls answered from the cache (including those that waited for a concurrent encode).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Calls that ran the encoder.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>The content key of an image: hex SHA-256 over its size, pixel format and pixel rows (stride padding excluded).</summary>
    /// <param name="image">The image.</param>
    /// <returns>64 lower-case hex digits.</returns>
    /// <exception cref="ArgumentException">The image is empty (the default value).</exception>
    public static string ComputeImageKey(ImageBuffer image)
    {
        if (image.IsEmpty)
        {
            throw new ArgumentException("Expected an image of at least 1x1 pixels; got an empty ImageBuffer (the default value).", nameof(image));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> head = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(head, image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(head[4..], image.Height);
        BinaryPrimitives.WriteInt32LittleEndian(head[8..], (int)image.Format);
        hash.AppendData(head);
        ReadOnlySpan<byte> pixels = image.Pixels.Span;
        int rowBytes = image.Width * image.BytesPerPixel;
        if (image.Stride == rowBytes)
        {
            hash.AppendData(pixels[..(rowBytes * image.Height)]);
        }
        else
        {
            for (int y = 0; y < image.Height; y++)
            {
                hash.AppendData(pixels.Slice(y * image.Stride, rowBytes));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Returns the cached embedding of <paramref name="image"/> for <paramref name="model"/>, encoding it on a miss.</summary>
    /// <param name="model">The model; its <see cref="ModelInfo.Fingerprint"/> is part of the key.</param>
    /// <param name="image">The image; its pixels are hashed for the key.</param>
    /// <param name="cancellationToken">Stops this call's encode or wait.</param>
    /// <returns>An embedding the caller owns (over memory shared with the cache).</returns>
    public ImageEmbedding GetOrEncode(ISegmentationModel model, ImageBuffer image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        string key = model.Info.Fingerprint + "|" + ComputeImageKey(image);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task<Entry>? waitFor;
            TaskCompletionSource<Entry>? mine = null;
            lock (_gate)
            {
                if (_entries.TryGetValue(key, out LinkedListNode<Entry>? node))
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    Interlocked.Increment(ref _hits);
                    return node.Value.CreateView();
                }

                if (!_pending.TryGetValue(key, out waitFor))
                {
                    mine = new TaskCompletionSource<Entry>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _pending[key] = mine.Task;
                }
            }

            if (mine is null)
            {
                try
                {
                    Entry shared = waitFor!.WaitAsync(cancellationToken).GetAwaiter().GetResult();
                    Interlocked.Increment(ref _hits);
                    return shared.CreateView();
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // The encoding caller failed or was cancelled: try again, encoding ourselves if nobody else is.
                    continue;
                }
            }

            Entry entry;
            try
            {
                Interlocked.Increment(ref _misses);
                using ImageEmbedding encoded = model.Encode(image, cancellationToken);
                entry = Entry.CopyOf(key, encoded);
            }
            catch (Exception ex)
            {
                lock (_gate)
                {
                    _pending.Remove(key);
                }

                mine.SetException(ex);
                throw;
            }

            lock (_gate)
            {
                _pending.Remove(key);
                if (entry.Bytes <= CapacityBytes)
                {
                    _entries[key] = _recency.AddFirst(entry);
                    _sizeBytes += entry.Bytes;
                    while (_sizeBytes > CapacityBytes && _recency.Last is { } last)
                    {
                        _recency.RemoveLast();
                        _entries.Remove(last.Value.Key);
                        _sizeBytes -= last.Value.Bytes;
                    }
                }
            }

            mine.SetResult(entry);
            return entry.CreateView();
        }
    }

    /// <summary>Drops every kept embedding; embeddings already returned stay usable.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _recency.Clear();
            _sizeBytes = 0;
        }
    }

    private sealed class Entry
    {
        private Entry(string key, ImageEmbedding source, float[][] values, int[][] shapes, string[] names)
        {
            Key = key;
            ModelName = source.ModelName;
            Fingerprint = source.ModelFingerprint;
            Frame = source.Frame;
            Values = values;
            Shapes = shapes;
            Names = names;
            Bytes = EntryOverheadBytes + values.Sum(v => (long)v.Length * sizeof(float));
        }

        public string Key { get; }

        public long Bytes { get; }

        private string ModelName { get; }

        private string Fingerprint { get; }

        private ImageFrame Frame { get; }

        private float[][] Values { get; }

        private int[][] Shapes { get; }

        private string[] Names { get; }

        public static Entry CopyOf(string key, ImageEmbedding embedding)
        {
            IReadOnlyList<ImageEmbeddingTensor> tensors = embedding.Tensors;
            var values = new float[tensors.Count][];
            var shapes = new int[tensors.Count][];
            var names = new string[tensors.Count];
            for (int i = 0; i < tensors.Count; i++)
            {
                values[i] = tensors[i].Values.ToArray();
                shapes[i] = [.. tensors[i].Shape];
                names[i] = tensors[i].Name;
            }

            return new Entry(key, embedding, values, shapes, names);
        }

        public ImageEmbedding CreateView()
        {
            var tensors = new ImageEmbeddingTensor[Values.Length];
            for (int i = 0; i < tensors.Length; i++)
            {
                tensors[i] = ImageEmbeddingTensor.Trusted(Names[i], Shapes[i], Values[i]);
            }

            return ImageEmbedding.CreateTrusted(ModelName, Fingerprint, Frame, tensors);
        }
    }
}
