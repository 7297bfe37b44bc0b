namespace SkinSam.Server.Tests;

public sealed class MemoryReleaseTests
{
    [Fact]
    public void TryTrimNativeHeap_OnThisPlatform_RunsWhereThereIsGlibc()
    {
        bool glibc = OperatingSystem.IsLinux() && !Directory.EnumerateFiles("/lib", "ld-musl-*", SearchOption.TopDirectoryOnly).Any();

        Assert.Equal(glibc, MemoryRelease.TryTrimNativeHeap());
    }

    [Fact]
    public void TryFixMmapThreshold_OnThisPlatform_SetsItWhereThereIsGlibc()
    {
        bool glibc = OperatingSystem.IsLinux() && !Directory.EnumerateFiles("/lib", "ld-musl-*", SearchOption.TopDirectoryOnly).Any();

        Assert.Equal(glibc, MemoryRelease.TryFixMmapThreshold(MemoryRelease.MmapThresholdBytes));
    }

    [Fact]
    public void Track_SmallImage_IsNotTracked()
    {
        Assert.Null(MemoryRelease.Track(MemoryRelease.LargeImagePixels - 1, () => 0));
    }

    [Fact]
    public async Task Track_LastLargeImageEnds_ReleaseRuns()
    {
        int before = MemoryRelease.Releases;
        IDisposable? scope = MemoryRelease.Track(MemoryRelease.LargeImagePixels, () => 0);
        Assert.NotNull(scope);

        scope.Dispose();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (MemoryRelease.Releases == before)
        {
            await Task.Delay(20, timeout.Token);
        }

        Assert.True(MemoryRelease.Releases > before);
        using var settle = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!MemoryRelease.IsSettled)
        {
            await Task.Delay(20, settle.Token);
        }
    }
}
