using System.Threading.Channels;

namespace SkinSam.Cli;

/// <summary>
/// Three stages over a sequence of work items, overlapped: <c>load</c> and <c>compute</c> each run on their own
/// thread, <c>finish</c> on the calling thread, joined by bounded channels. Every stage sees the items in their
/// original order, one at a time, so what <c>finish</c> writes (files, console lines) is in the same order and has
/// the same content as a plain loop's; only the waiting overlaps (reading and decoding image N+1 while the model runs
/// on image N and image N-1's outputs are written).
/// </summary>
/// <remarks>
/// A stage handles the errors that belong to one item itself (it records them on the item for <c>finish</c> to
/// report). An exception that escapes a stage, <see cref="OperationCanceledException"/> included, stops the other
/// stages and is rethrown from <see cref="Run"/> once both background stages have ended, so nothing the stages use
/// (a model) is disposed while one still runs.
/// </remarks>
internal static class OrderedPipeline
{
    /// <summary>Items that may wait between two stages: enough to cover one slow item, small enough to bound memory.</summary>
    public const int DefaultCapacity = 2;

    /// <summary>Runs the three stages over <paramref name="items"/>.</summary>
    /// <typeparam name="T">The work item; each stage fills in what the next one needs.</typeparam>
    /// <param name="items">The items, enumerated once, on the load stage's thread.</param>
    /// <param name="load">First stage (e.g. read and decode the file).</param>
    /// <param name="compute">Second stage (e.g. the model).</param>
    /// <param name="finish">Last stage, on the calling thread (e.g. write the outputs and report).</param>
    /// <param name="cancellationToken">Stops all stages.</param>
    /// <param name="capacity">Items that may wait between two stages, at least 1.</param>
    public static void Run<T>(IEnumerable<T> items, Action<T, CancellationToken> load, Action<T, CancellationToken> compute, Action<T> finish, CancellationToken cancellationToken, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        CancellationToken token = stop.Token;
        var options = new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait };
        Channel<T> loaded = Channel.CreateBounded<T>(options);
        Channel<T> computed = Channel.CreateBounded<T>(options);

        Task loading = Task.Run(
            async () =>
            {
                try
                {
                    foreach (T item in items)
                    {
                        token.ThrowIfCancellationRequested();
                        load(item, token);
                        await loaded.Writer.WriteAsync(item, token).ConfigureAwait(false);
                    }

                    loaded.Writer.Complete();
                }
                catch (Exception ex)
                {
                    loaded.Writer.Complete(ex);
                    throw;
                }
            },
            CancellationToken.None);

        Task computing = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (T item in loaded.Reader.ReadAllAsync(token).ConfigureAwait(false))
                    {
                        compute(item, token);
                        await computed.Writer.WriteAsync(item, token).ConfigureAwait(false);
                    }

                    computed.Writer.Complete();
                }
                catch (Exception ex)
                {
                    computed.Writer.Complete(ex);
                    throw;
                }
            },
            CancellationToken.None);

        try
        {
            while (computed.Reader.WaitToReadAsync(token).AsTask().GetAwaiter().GetResult())
            {
                while (computed.Reader.TryRead(out T? item))
                {
                    finish(item);
                }
            }
        }
        catch
        {
            stop.Cancel();
            WaitQuietly(loading, computing);
            throw;
        }

        // Normal end: both background stages completed their channels without an error, so they have returned.
        Task.WaitAll(loading, computing);
    }

    private static void WaitQuietly(Task first, Task second)
    {
        try
        {
            Task.WaitAll(first, second);
        }
        catch (AggregateException)
        {
            // Already reported: the exception that ended the run is the one rethrown.
        }
    }
}
