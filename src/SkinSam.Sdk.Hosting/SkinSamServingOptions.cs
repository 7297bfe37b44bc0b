using System.Globalization;

namespace SkinSam.Sdk.Hosting;

/// <summary>
/// Limits of a service that segments uploaded images: bytes and pixels per image, how many requests run the model at
/// once and how many wait. Bound from the <c>Serving</c> sub-section by <c>AddSkinSam(configuration.GetSection("SkinSam"))</c>.
/// </summary>
public sealed class SkinSamServingOptions
{
    /// <summary>The largest upload in bytes (default 32 MiB); more is refused before it is all read.</summary>
    public long MaxImageBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>The most pixels per image (default 40 Mpx, about 120 MB of RGB); checked on the header before decoding.</summary>
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>
    /// When above 0, images with a longer side than this are downscaled (aspect kept) before the model sees them; the
    /// mask comes back at the downscaled size. 0 (default) keeps the original size.
    /// </summary>
    public int MaxModelSide { get; set; }

    /// <summary>Requests that run the model at once; 0 (default) derives it from the core count and the intra-op threads (<see cref="SegmentationConcurrencyLimiter.DefaultConcurrency"/>).</summary>
    public int MaxConcurrentRequests { get; set; }

    /// <summary>Requests that may wait for a slot (default 64); one more is refused with 429 and Retry-After.</summary>
    public int MaxQueuedRequests { get; set; } = 64;

    /// <summary>How long a request waits in the queue before it is refused with 503 and Retry-After (default 30 s).</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The Retry-After value sent with 429 and 503, in seconds (default 2).</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>Bytes of image embeddings kept for <c>/v1/embeddings</c> (default 256 MiB).</summary>
    public long EmbeddingCacheBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Run one encode and decode on a small image at start-up so the first request does not pay for loading (default true).</summary>
    public bool WarmUp { get; set; } = true;

    /// <summary>Every setting that is out of range, as "Name: expected ...; got ...".</summary>
    /// <returns>The failures; empty when all settings are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (MaxImageBytes < 1)
        {
            failures.Add($"{nameof(MaxImageBytes)}: expected 1 or more; got {MaxImageBytes.ToString(CultureInfo.InvariantCulture)}");
        }

        if (MaxImagePixels < 1)
        {
            failures.Add($"{nameof(MaxImagePixels)}: expected 1 or more; got {MaxImagePixels.ToString(CultureInfo.InvariantCulture)}");
        }

        if (MaxModelSide < 0)
        {
            failures.Add($"{nameof(MaxModelSide)}: expected 0 (keep the size) or more; got {MaxModelSide.ToString(CultureInfo.InvariantCulture)}");
        }

        if (MaxConcurrentRequests < 0)
        {
            failures.Add($"{nameof(MaxConcurrentRequests)}: expected 0 (automatic) or more; got {MaxConcurrentRequests.ToString(CultureInfo.InvariantCulture)}");
        }

        if (MaxQueuedRequests < 0)
        {
            failures.Add($"{nameof(MaxQueuedRequests)}: expected 0 or more; got {MaxQueuedRequests.ToString(CultureInfo.InvariantCulture)}");
        }

        if (QueueTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(QueueTimeout)}: expected a positive time, e.g. 00:00:30; got {QueueTimeout.ToString("c", CultureInfo.InvariantCulture)}");
        }

        if (RetryAfterSeconds < 1)
        {
            failures.Add($"{nameof(RetryAfterSeconds)}: expected 1 or more; got {RetryAfterSeconds.ToString(CultureInfo.InvariantCulture)}");
        }

        if (EmbeddingCacheBytes < 1)
        {
            failures.Add($"{nameof(EmbeddingCacheBytes)}: expected 1 or more; got {EmbeddingCacheBytes.ToString(CultureInfo.InvariantCulture)}");
        }

        return failures;
    }
}
