using SkinSam.Sdk.Hosting;

namespace SkinSam.Sdk.Hosting.Tests;

public sealed class SegmentationConcurrencyLimiterTests
{
    [Fact]
    public async Task AcquireAsync_AllSlotsTakenAndNoQueue_RefusesAtOnceWithQueueFull()
    {
        using var limiter = new SegmentationConcurrencyLimiter(2, 0, TimeSpan.FromSeconds(30));
        LimiterLease a = await limiter.AcquireAsync();
        LimiterLease b = await limiter.AcquireAsync();

        LimiterLease c = await limiter.AcquireAsync();

        Assert.Equal([LimiterOutcome.Granted, LimiterOutcome.Granted, LimiterOutcome.QueueFull], [a.Outcome, b.Outcome, c.Outcome]);
        Assert.Null(c.Slot);
        Assert.Equal(2, limiter.Running);
        a.Slot!.Dispose();
        b.Slot!.Dispose();
        Assert.Equal(0, limiter.Running);
    }

    [Fact]
    public async Task AcquireAsync_SlotReleasedWhileQueued_GrantsTheWaiter()
    {
        using var limiter = new SegmentationConcurrencyLimiter(1, 1, TimeSpan.FromSeconds(30));
        LimiterLease held = await limiter.AcquireAsync();
        Task<LimiterLease> waiting = limiter.AcquireAsync();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, limiter.Queued);

        held.Slot!.Dispose();
        LimiterLease granted = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(LimiterOutcome.Granted, granted.Outcome);
        Assert.Equal(0, limiter.Queued);
        granted.Slot!.Dispose();
    }

    [Fact]
    public async Task AcquireAsync_NoSlotWithinTheQueueTimeout_ReturnsTimedOut()
    {
        using var limiter = new SegmentationConcurrencyLimiter(1, 4, TimeSpan.FromMilliseconds(50));
        LimiterLease held = await limiter.AcquireAsync();

        LimiterLease late = await limiter.AcquireAsync();

        Assert.Equal(LimiterOutcome.TimedOut, late.Outcome);
        held.Slot!.Dispose();
    }

    [Fact]
    public async Task Slot_DisposedTwice_ReleasesOnce()
    {
        using var limiter = new SegmentationConcurrencyLimiter(1, 0, TimeSpan.FromSeconds(1));
        LimiterLease lease = await limiter.AcquireAsync();

        lease.Slot!.Dispose();
        lease.Slot.Dispose();

        LimiterLease again = await limiter.AcquireAsync();
        LimiterLease refused = await limiter.AcquireAsync();
        Assert.Equal(LimiterOutcome.Granted, again.Outcome);
        Assert.Equal(LimiterOutcome.QueueFull, refused.Outcome);
    }

    [Theory]
    [InlineData(2, 0, 2)]
    [InlineData(16, 0, 2)]
    [InlineData(1, 0, 1)]
    [InlineData(16, 4, 4)]
    [InlineData(2, 4, 1)]
    [InlineData(0, 1, 1)]
    public void DefaultConcurrency_CoresAndIntraOpThreads_GivesTheDocumentedValue(int cores, int intraOp, int expected) =>
        Assert.Equal(expected, SegmentationConcurrencyLimiter.DefaultConcurrency(cores, intraOp));

    [Fact]
    public void Constructor_ZeroSlots_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentationConcurrencyLimiter(0, 0, TimeSpan.FromSeconds(1)));
}
