using System.Runtime.InteropServices;

namespace SkinSam.Server;

/// <summary>
/// Gives memory back after a large image: ImageSharp's pooled buffers, then (Linux) glibc's free heap via
/// <c>malloc_trim</c>, once no other model call is running. Without it the resident set stays at the burst's peak even
/// with ONNX Runtime's arena off (glibc keeps freed blocks). Soak runs of 80 small + 4 large images on a loaded machine
/// measured 491 MB after the burst against a 315 MB plateau without any release, 261 MB against 222 MB with a release
/// made by the test after it, and 349 MB against 277 MB with this idle-time release (docs/serving.md, Memory).
/// </summary>
internal static class MemoryRelease
{
    /// <summary>Images at least this large (pixels) trigger a release when their request ends.</summary>
    public const long LargeImagePixels = 4_000_000;

    private static int _pending;

    /// <summary>Notes that a large image went through; the release happens when the service is next idle.</summary>
    public static void NoteImage(long pixels)
    {
        if (pixels >= LargeImagePixels)
        {
            Volatile.Write(ref _pending, 1);
        }
    }

    /// <summary>Called as each model request ends: releases once no model call runs and a large image went through since the last release.</summary>
    public static void OnRequestEnded(int stillRunning)
    {
        if (stillRunning > 0 || Interlocked.Exchange(ref _pending, 0) == 0)
        {
            return;
        }

        SixLabors.ImageSharp.Configuration.Default.MemoryAllocator.ReleaseRetainedResources();
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (EntryPointNotFoundException)
            {
                // Not glibc (musl): nothing to trim.
            }
            catch (DllNotFoundException)
            {
                // No libc by that name: nothing to trim.
            }
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
