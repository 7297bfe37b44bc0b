using System.Runtime;
using System.Runtime.InteropServices;

namespace SkinSam.Server;

/// <summary>
/// Gives memory back after large images. While one runs, the process grows by hundreds of MB (the decoded pixels,
/// ImageSharp's pooled buffers, the model's tensors and the decoder's outputs at the image's size); once the last large
/// request in flight has ended (small ones may still be running: they hold little), a release runs on the thread pool: a
/// compacting full collection that returns the managed heap's free regions to the OS, ImageSharp's retained pool, then
/// (Linux) glibc's free heap via <c>malloc_trim</c>, which glibc otherwise keeps even after ONNX Runtime (arena off) and
/// ImageSharp free their blocks. Small requests never trigger it, so steady small-image traffic pays nothing.
/// </summary>
internal static class MemoryRelease
{
    /// <summary>Images at least this large (pixels) count as large: about 12 MB of RGB.</summary>
    public const long LargeImagePixels = 4_000_000;

    /// <summary>The fixed glibc mmap threshold the service sets at start: 1 MB.</summary>
    public const int MmapThresholdBytes = 1024 * 1024;

    /// <summary>How long after the last large request ends the release runs.</summary>
    public static readonly TimeSpan ReleaseDelay = TimeSpan.FromSeconds(2);

    private static int _largeInFlight;
    private static int _requested;
    private static int _releases;
    private static long _lastReleaseStarted;
    private static long _lastLargeEnded;
    private static int _idleReleaseDue;

    /// <summary>Releases done so far (for tests and diagnostics).</summary>
    public static int Releases => Volatile.Read(ref _releases);

    /// <summary>
    /// True when everything large images grew has been given back: none is in flight, no release is due, waiting or
    /// running, and the last release started after the last large image ended and after the service was last idle
    /// following one.
    /// </summary>
    public static bool IsSettled =>
        LargeInFlight == 0 && Volatile.Read(ref _idleReleaseDue) == 0 && Volatile.Read(ref _requested) == 0
        && Volatile.Read(ref _lastReleaseStarted) > Volatile.Read(ref _lastLargeEnded);

    /// <summary>Large images being worked on now.</summary>
    public static int LargeInFlight => Volatile.Read(ref _largeInFlight);

    /// <summary>The state in words, for a test's failure message.</summary>
    public static string Describe() =>
        $"large in flight {LargeInFlight}, idle release due {Volatile.Read(ref _idleReleaseDue)}, release requests pending {Volatile.Read(ref _requested)}, releases {Releases}, last release started {System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref _lastLargeEnded), Volatile.Read(ref _lastReleaseStarted)).TotalSeconds:F1} s after the last large image ended";

    /// <summary>
    /// Called as each model request's response completes: when no model call runs any more and a large image went
    /// through since the last idle release, releases again (what small requests left behind after the release made
    /// at the large image's end, e.g. glibc pages they touched while it ran, goes back too).
    /// </summary>
    /// <param name="stillRunning">Model calls running now.</param>
    public static void OnModelRequestEnded(int stillRunning)
    {
        if (stillRunning == 0 && LargeInFlight == 0 && Interlocked.Exchange(ref _idleReleaseDue, 0) == 1)
        {
            RequestRelease();
        }
    }

    /// <summary>
    /// Notes that a request is about to work on an image of <paramref name="pixels"/>; when it is large, the returned scope's
    /// disposal (when the request has completed) triggers the release if no other large request is in flight.
    /// </summary>
    /// <returns>The scope to dispose once the request's response is complete; null for a small image.</returns>
    /// <param name="pixels">The image's width times height.</param>
    /// <param name="modelCallsRunning">Model calls running now (the limiter's count): when the last large image ends with none
    /// running, its release is also the idle one.</param>
    public static IDisposable? Track(long pixels, Func<int> modelCallsRunning)
    {
        if (pixels < LargeImagePixels)
        {
            return null;
        }

        Interlocked.Increment(ref _largeInFlight);
        return new LargeImageScope(modelCallsRunning);
    }

    /// <summary>
    /// Asks for a release; the first ask starts the worker, asks made while it waits or runs make it run once more. The
    /// worker waits <see cref="ReleaseDelay"/> first, so that large images that follow one another closely (a client
    /// sending a batch) pay one full collection, not one each, and the last response's connection buffers are back.
    /// </summary>
    private static void RequestRelease()
    {
        if (Interlocked.Increment(ref _requested) == 1)
        {
            _ = Task.Run(ReleaseWhileRequestedAsync);
        }
    }

    /// <summary>The release itself: a compacting full collection, ImageSharp's retained pool, glibc's free heap.</summary>
    internal static void ReleaseNow()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        SixLabors.ImageSharp.Configuration.Default.MemoryAllocator.ReleaseRetainedResources();
        _ = TryTrimNativeHeap();
    }

    private static async Task ReleaseWhileRequestedAsync()
    {
        int seen;
        do
        {
            await Task.Delay(ReleaseDelay).ConfigureAwait(false);
            seen = Volatile.Read(ref _requested);
            Volatile.Write(ref _lastReleaseStarted, System.Diagnostics.Stopwatch.GetTimestamp());
            ReleaseNow();
            Interlocked.Increment(ref _releases);
        }
        while (Interlocked.Add(ref _requested, -seen) > 0);
    }

    /// <summary>
    /// Returns glibc's free heap to the OS with <c>malloc_trim(0)</c>.
    /// </summary>
    /// <returns>True when it ran (Linux with glibc); false elsewhere (musl, macOS, Windows).</returns>
    internal static bool TryTrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            _ = MallocTrim(0);
            return true;
        }
        catch (DllNotFoundException)
        {
            return false; // no glibc (musl)
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Fixes glibc's mmap threshold (<c>mallopt(M_MMAP_THRESHOLD)</c>): blocks of at least <paramref name="bytes"/> are
    /// mapped and unmapped each time instead of coming from the heap. Without it glibc raises the threshold each time
    /// such a block is freed (up to 32 MB), after which the model's per-request tensors (12 MB and more, arena off) live
    /// in per-thread heaps that keep their pages until the next <c>malloc_trim</c>.
    /// </summary>
    /// <returns>True when it was set (Linux with glibc).</returns>
    internal static bool TryFixMmapThreshold(int bytes)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return Mallopt(MmapThreshold, bytes) == 1;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD in glibc's malloc.h

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Mallopt(int parameter, int value);

    // By its real file name: DllImport("libc") finds nothing on Debian (there is no file of that name, and libc.so is a
    // linker script: dlopen refuses both), so the release that used that name never trimmed.
    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

    private sealed class LargeImageScope(Func<int> modelCallsRunning) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            Volatile.Write(ref _lastLargeEnded, System.Diagnostics.Stopwatch.GetTimestamp());
            Volatile.Write(ref _idleReleaseDue, 1);
            if (Interlocked.Decrement(ref _largeInFlight) == 0)
            {
                if (modelCallsRunning() == 0)
                {
                    Volatile.Write(ref _idleReleaseDue, 0);
                }

                RequestRelease();
            }
        }
    }
}
