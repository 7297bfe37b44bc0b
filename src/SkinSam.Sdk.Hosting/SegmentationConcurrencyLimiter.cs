namespace SkinSam.Sdk.Hosting;

/// <summary>
/// Bounds how many requests run the model at once and how many wait: a request either gets a slot, waits in a bounded
/// queue, or is refused at once (queue full, HTTP 429) or after <see cref="SkinSamServingOptions.QueueTimeout"/> (HTTP 503).
/// Running more model calls than cores only adds latency and memory (each holds its image, tensors and arena blocks).
/// </summary>
public sealed class SegmentationConcurrencyLimiter : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly int _maxQueued;
    private readonly TimeSpan _queueTimeout;
    private int _queued;
    private int _running;

    /// <summary>Creates a limiter.</summary>
    /// <param name="maxConcurrent">Requests that run at once, 1 or more.</param>
    /// <param name="maxQueued">Requests that may wait, 0 or more.</param>
    /// <param name="queueTimeout">The longest wait for a slot.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public SegmentationConcurrencyLimiter(int maxConcurrent, int maxQueued, TimeSpan queueTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxQueued);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(queueTimeout, TimeSpan.Zero);
        MaxConcurrent = maxConcurrent;
        _maxQueued = maxQueued;
        _queueTimeout = queueTimeout;
        _slots = new SemaphoreSlim(maxConcurrent, maxConcurrent);
    }

    /// <summary>Requests that run at once.</summary>
    public int MaxConcurrent { get; }

    /// <summary>Requests waiting for a slot now.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Requests holding a slot now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>
    /// The default concurrency: the core count divided by the model's intra-op threads (each model call already uses that
    /// many cores), at least 1. With intra-op 0 (ONNX Runtime picks one thread per core) that is 1 call at a time plus
    /// one more so that image decoding and PNG encoding overlap the model.
    /// </summary>
    /// <param name="processorCount">Cores available, e.g. <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="intraOpThreads">The model's intra-op threads; 0 for ONNX Runtime's default.</param>
    /// <returns>1 or more.</returns>
    public static int DefaultConcurrency(int processorCount, int intraOpThreads)
    {
        int cores = Math.Max(1, processorCount);
        return intraOpThreads <= 0 ? Math.Min(cores, 2) : Math.Max(1, cores / intraOpThreads);
    }

    /// <summary>Waits for a slot.</summary>
    /// <param name="cancellationToken">Stops the wait (the client went away).</param>
    /// <returns>The outcome; dispose <see cref="LimiterLease.Slot"/> when granted.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public async Task<LimiterLease> AcquireAsync(CancellationToken cancellationToken = default)
    {
        if (_slots.Wait(0, CancellationToken.None))
        {
            return Granted();
        }

        if (Interlocked.Increment(ref _queued) > _maxQueued)
        {
            Interlocked.Decrement(ref _queued);
            return new LimiterLease(LimiterOutcome.QueueFull, null);
        }

        try
        {
            bool got = await _slots.WaitAsync(_queueTimeout, cancellationToken).ConfigureAwait(false);
            return got ? Granted() : new LimiterLease(LimiterOutcome.TimedOut, null);
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _slots.Dispose();

    private LimiterLease Granted()
    {
        Interlocked.Increment(ref _running);
        return new LimiterLease(LimiterOutcome.Granted, new Slot(this));
    }

    private sealed class Slot(SegmentationConcurrencyLimiter owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref owner._running);
                owner._slots.Release();
            }
        }
    }
}

/// <summary>What <see cref="SegmentationConcurrencyLimiter.AcquireAsync"/> gave.</summary>
/// <param name="Outcome">Granted, refused because the queue is full, or timed out in the queue.</param>
/// <param name="Slot">The slot to dispose when the work is done; null unless granted.</param>
public readonly record struct LimiterLease(LimiterOutcome Outcome, IDisposable? Slot);

/// <summary>The outcome of asking <see cref="SegmentationConcurrencyLimiter"/> for a slot.</summary>
public enum LimiterOutcome
{
    /// <summary>A slot was given.</summary>
    Granted = 0,

    /// <summary>The queue was full: refuse at once (HTTP 429).</summary>
    QueueFull = 1,

    /// <summary>No slot came within the queue timeout (HTTP 503).</summary>
    TimedOut = 2,
}
