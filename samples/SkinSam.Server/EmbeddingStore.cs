using SkinSam.Sdk.Models;

namespace SkinSam.Server;

/// <summary>
/// The embeddings that <c>POST /v1/embeddings</c> handed out, by id (the image's content hash), least recently used first
/// out when their bytes pass the capacity. Encoding goes through <see cref="ImageEmbeddingCache"/>, so the same image
/// uploaded twice is encoded once, and the embeddings kept here are views over the cache's memory while it holds them.
/// </summary>
internal sealed class EmbeddingStore(long capacityBytes)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Id, ImageEmbedding Embedding)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Id, ImageEmbedding Embedding)> _recency = new();
    private long _bytes;

    public ImageEmbeddingCache Cache { get; } = new(capacityBytes);

    public void Add(string id, ImageEmbedding embedding)
    {
        lock (_gate)
        {
            if (_entries.ContainsKey(id))
            {
                embedding.Dispose();
                return;
            }

            _entries[id] = _recency.AddFirst((id, embedding));
            _bytes += embedding.ValueBytes;
            while (_bytes > capacityBytes && _recency.Count > 1 && _recency.Last is { } last)
            {
                _recency.RemoveLast();
                _entries.Remove(last.Value.Id);
                _bytes -= last.Value.Embedding.ValueBytes;

                // Not disposed: a decode may be using it; the memory goes when the last reference does.
            }
        }
    }

    public ImageEmbedding? Find(string id)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(id, out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Embedding;
        }
    }
}
