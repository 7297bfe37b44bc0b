using System.Globalization;
using SkinSam.Sdk.Evaluation.Prompts;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>
/// One of <see cref="Count"/> disjoint parts of a data set, for running an evaluation on several machines: an image
/// belongs to shard <c>hash(id) mod Count</c>, with a stable 64-bit FNV-1a hash of the id's UTF-8 bytes. So membership
/// depends on the id alone, not on the data set's order, filters or limits; the shards' union is every image.
/// </summary>
/// <param name="Index">The shard, 0 to <see cref="Count"/> - 1 (a Kubernetes completion index or a Slurm array task id).</param>
/// <param name="Count">Number of shards, at least 1.</param>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole data set as one shard.</summary>
    public static Shard All => new(0, 1);

    /// <summary>Parses <c>k/N</c> with 0 &lt;= k &lt; N.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The shard.</returns>
    /// <exception cref="FormatException">Not of the form k/N, or k out of range.</exception>
    public static Shard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            && int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n >= 1 && k < n)
        {
            return new Shard(k, n);
        }

        throw new FormatException($"Expected a shard k/N with 0 <= k < N, e.g. 0/4; got '{text}'.");
    }

    /// <summary>True when the image belongs to this shard.</summary>
    /// <param name="imageId">The image id.</param>
    /// <returns>Whether it belongs.</returns>
    public bool Contains(string imageId)
    {
        ArgumentNullException.ThrowIfNull(imageId);
        return Count <= 1 || (int)(StableHash.Of(imageId) % (ulong)Count) == Index;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
