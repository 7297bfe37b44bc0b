using System.Collections.Concurrent;
using SkinSam.Sdk.Evaluation.Running;

namespace SkinSam.Sdk.Evaluation.Tests.Running;

public sealed class OrderedPipelineTests
{
    [Fact]
    public void Run_ManyItems_EveryStageSeesThemInOrderAndFinishOnTheCallingThread()
    {
        var loaded = new ConcurrentQueue<int>();
        var computed = new ConcurrentQueue<int>();
        var finished = new List<int>();
        int caller = Environment.CurrentManagedThreadId;
        var finishThreads = new HashSet<int>();

        OrderedPipeline.Run(
            Enumerable.Range(0, 500),
            (i, _) => loaded.Enqueue(i),
            (i, _) =>
            {
                if (i % 50 == 0)
                {
                    Thread.Sleep(1); // an uneven stage, as a model run is
                }

                computed.Enqueue(i);
            },
            i =>
            {
                finished.Add(i);
                finishThreads.Add(Environment.CurrentManagedThreadId);
            },
            CancellationToken.None);

        int[] expected = [.. Enumerable.Range(0, 500)];
        Assert.Equal(expected, loaded.ToArray());
        Assert.Equal(expected, computed.ToArray());
        Assert.Equal(expected, finished);
        Assert.Equal([caller], finishThreads);
    }

    [Fact]
    public void Run_ComputeThrows_RethrowsThatExceptionAndFinishesOnlyEarlierItems()
    {
        var finished = new List<int>();

        var ex = Assert.Throws<InvalidDataException>(() => OrderedPipeline.Run(
            Enumerable.Range(0, 100),
            (_, _) => { },
            (i, _) =>
            {
                if (i == 7)
                {
                    throw new InvalidDataException("expected item 7 to fail; got it failing");
                }
            },
            finished.Add,
            CancellationToken.None));

        Assert.Contains("item 7", ex.Message, StringComparison.Ordinal);
        Assert.Equal([.. Enumerable.Range(0, 7)], finished);
    }

    [Fact]
    public void Run_CancelledWhileFinishing_ThrowsOperationCanceledAfterTheStagesStopped()
    {
        using var cts = new CancellationTokenSource();
        int loads = 0;

        Assert.ThrowsAny<OperationCanceledException>(() => OrderedPipeline.Run(
            Enumerable.Range(0, 10_000),
            (_, _) => Interlocked.Increment(ref loads),
            (_, _) => { },
            i =>
            {
                if (i == 3)
                {
                    cts.Cancel();
                }
            },
            cts.Token));

        int after = Volatile.Read(ref loads);
        Thread.Sleep(20);
        Assert.Equal(after, Volatile.Read(ref loads)); // nothing still runs once Run has returned
        Assert.True(after < 10_000, $"expected the load stage to stop early; got {after} loads");
    }

    [Fact]
    public void Run_ThreeComputeWorkersUneven_LoadAndFinishInOrderAndItemsInFlightBounded()
    {
        var loaded = new List<int>();
        var finished = new List<int>();
        var computed = new ConcurrentBag<int>();
        int inFlight = 0, most = 0;
        int caller = Environment.CurrentManagedThreadId;

        OrderedPipeline.Run(
            Enumerable.Range(0, 300),
            (i, _) =>
            {
                loaded.Add(i);
                int now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref most, now);
            },
            (i, _) =>
            {
                Thread.Sleep(i % 7 == 0 ? 3 : 0); // some items overtake others between the workers
                computed.Add(i);
            },
            i =>
            {
                Assert.Equal(caller, Environment.CurrentManagedThreadId);
                finished.Add(i);
                Interlocked.Decrement(ref inFlight);
            },
            CancellationToken.None,
            capacity: 2,
            computeWorkers: 3);

        int[] expected = [.. Enumerable.Range(0, 300)];
        Assert.Equal(expected, loaded);
        Assert.Equal(expected, finished);
        Assert.Equal(expected, computed.Order());
        Assert.InRange(most, 1, (2 * 2) + 3 + 1);
    }

    [Fact]
    public void Run_SecondOfTwoWorkersThrows_RethrowsThatExceptionAndFinishesNothingAfterIt()
    {
        var finished = new List<int>();

        var ex = Assert.Throws<InvalidDataException>(() => OrderedPipeline.Run(
            Enumerable.Range(0, 100),
            (_, _) => { },
            (i, _) =>
            {
                if (i == 9)
                {
                    throw new InvalidDataException("expected item 9 to fail; got it failing");
                }
            },
            finished.Add,
            CancellationToken.None,
            computeWorkers: 2));

        Assert.Contains("item 9", ex.Message, StringComparison.Ordinal);
        Assert.All(finished, i => Assert.True(i < 9, $"expected only items before 9 finished; got {i}"));
        Assert.Equal([.. Enumerable.Range(0, finished.Count)], finished);
    }

    [Fact]
    public void Run_ComputeWorkersZero_ThrowsOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderedPipeline.Run(new[] { 1 }, (_, _) => { }, (_, _) => { }, _ => { }, CancellationToken.None, computeWorkers: 0));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [Fact]
    public void Run_CapacityZero_ThrowsOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderedPipeline.Run(new[] { 1 }, (_, _) => { }, (_, _) => { }, _ => { }, CancellationToken.None, capacity: 0));
    }
}
