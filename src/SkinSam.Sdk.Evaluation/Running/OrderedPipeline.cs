using System.Threading.Channels;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>
/// Three stages over a sequence of work items, overlapped: <c>load</c> runs on its own thread, <c>compute</c> on one
/// or more worker threads, <c>finish</c> on the calling thread. <c>load</c> and <c>finish</c> see the items in their
/// original order, one at a time (so does <c>compute</c> with one worker), so what <c>finish</c> writes (files,
/// records, console lines) is in the same order and has the same content as a plain loop's; only the waiting overlaps
/// (reading and decoding image N+1 while the model runs on image N and image N-1's outputs are written). Shared by the
/// evaluation runner and the CLI's <c>segment</c>.
/// </summary>
/// <remarks>
/// Items in flight (loaded, not yet finished) are bounded, so memory is too: a slow item holds back at most that many
/// behind it. A stage handles the errors that belong to one item itself (it records them on the item for
/// <c>finish</c> to report). An exception that escapes a stage, <see cref="OperationCanceledException"/> included,
/// stops the other stages and is rethrown from <see cref="Run"/> once every background stage has ended, so nothing the
/// stages use (a model) is disposed while one still runs; the items before it that had passed every stage are
/// finished first.
/// </remarks>
internal static class OrderedPipeline
{
    /// <summary>Items that may wait between two stages: enough to cover one slow item, small enough to bound memory.</summary>
    public const int DefaultCapacity = 2;

    /// <summary>Runs the three stages over <paramref name="items"/>.</summary>
    /// <typeparam name="T">The work item; each stage fills in what the next one needs.</typeparam>
    /// <param name="items">The items, enumerated once, on the load stage's thread.</param>
    /// <param name="load">First stage (e.g. read and decode the file).</param>
    /// <param name="compute">Second stage (e.g. the model); called from <paramref name="computeWorkers"/> threads at once.</param>
    /// <param name="finish">Last stage, on the calling thread (e.g. write the outputs and report).</param>
    /// <param name="cancellationToken">Stops all stages.</param>
    /// <param name="capacity">Items that may wait between two stages, at least 1.</param>
    /// <param name="computeWorkers">Items in <paramref name="compute"/> at once, at least 1.</param>
    public static void Run<T>(IEnumerable<T> items, Action<T, CancellationToken> load, Action<T, CancellationToken> compute, Action<T> finish, CancellationToken cancellationToken, int capacity = DefaultCapacity, int computeWorkers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(computeWorkers, 1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        CancellationToken token = stop.Token;

        // The slots bound the items between the start of load and the end of finish (the channels need no bound of
        // their own): one waiting before and one after each stage, plus those in the stages.
        using var slots = new SemaphoreSlim((2 * capacity) + computeWorkers + 1);
        Channel<Numbered<T>> loaded = Channel.CreateUnbounded<Numbered<T>>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = computeWorkers == 1 });
        Channel<Numbered<T>> computed = Channel.CreateUnbounded<Numbered<T>>(new UnboundedChannelOptions { SingleWriter = computeWorkers == 1, SingleReader = true });

        Task loading = Task.Run(
            async () =>
            {
                try
                {
                    long number = 0;
                    foreach (T item in items)
                    {
                        await slots.WaitAsync(token).ConfigureAwait(false);
                        load(item, token);
                        await loaded.Writer.WriteAsync(new Numbered<T>(number++, item), token).ConfigureAwait(false);
                    }

                    loaded.Writer.Complete();
                }
                catch (Exception ex)
                {
                    loaded.Writer.TryComplete(ex);
                    throw;
                }
            },
            CancellationToken.None);

        int running = computeWorkers;
        var computing = new Task[computeWorkers];
        for (int w = 0; w < computeWorkers; w++)
        {
            computing[w] = Task.Run(
                async () =>
                {
                    try
                    {
                        await foreach (Numbered<T> entry in loaded.Reader.ReadAllAsync(token).ConfigureAwait(false))
                        {
                            compute(entry.Item, token);
                            await computed.Writer.WriteAsync(entry, token).ConfigureAwait(false);
                        }

                        if (Interlocked.Decrement(ref running) == 0)
                        {
                            computed.Writer.TryComplete();
                        }
                    }
                    catch (Exception ex)
                    {
                        // finish drains what came before, then meets the exception and stops the other stages.
                        computed.Writer.TryComplete(ex);
                        throw;
                    }
                },
                CancellationToken.None);
        }

        Task[] background = [loading, .. computing];
        try
        {
            // With several workers items arrive out of order; they wait here until their turn.
            var early = new Dictionary<long, T>();
            long next = 0;
            while (computed.Reader.WaitToReadAsync(token).AsTask().GetAwaiter().GetResult())
            {
                while (computed.Reader.TryRead(out Numbered<T> entry))
                {
                    early.Add(entry.Number, entry.Item);
                    while (early.Remove(next, out T? item))
                    {
                        finish(item);
                        next++;
                        slots.Release();
                    }
                }
            }
        }
        catch
        {
            stop.Cancel();
            WaitQuietly(background);
            throw;
        }

        // Normal end: every background stage completed its channel without an error, so they have returned.
        Task.WaitAll(background);
    }

    private static void WaitQuietly(Task[] tasks)
    {
        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException)
        {
            // Already reported: the exception that ended the run is the one rethrown.
        }
    }

    private readonly record struct Numbered<T>(long Number, T Item);
}
