using System.Diagnostics;

namespace SkinSam.Cli.Tests;

/// <summary>
/// Makes file-system states that plain file APIs cannot: pipes, and small or read-only tmpfs mounts (needs root and
/// permission to mount, as in the CI container; tests that need a mount are skipped with the reason otherwise).
/// </summary>
internal static class FileSystemFaults
{
    private static readonly Lazy<string?> MountRefusal = new(ProbeMount);

    /// <summary>True when this process runs as root, which can read a file whatever its permission bits say.</summary>
    public static bool IsRoot => Environment.UserName == "root" || Run("id", "-u").Output.Trim() == "0";

    /// <summary>Null when tmpfs mounts work here; otherwise why not.</summary>
    public static string? WhyNoMount => MountRefusal.Value;

    /// <summary>Creates a named pipe.</summary>
    /// <param name="path">Where.</param>
    public static void MakeFifo(string path)
    {
        (int code, string output) = Run("mkfifo", path);
        if (code != 0)
        {
            throw new InvalidOperationException($"Expected mkfifo to create {path}; got exit {code}: {output}");
        }
    }

    /// <summary>Mounts a tmpfs of <paramref name="size"/> at <paramref name="folder"/>.</summary>
    /// <param name="folder">An existing empty folder.</param>
    /// <param name="size">e.g. 64k.</param>
    /// <param name="readOnly">Mount read-only.</param>
    /// <returns>Unmounts on dispose.</returns>
    public static IDisposable MountTmpfs(string folder, string size, bool readOnly = false)
    {
        (int code, string output) = Run("mount", "-t", "tmpfs", "-o", $"size={size}{(readOnly ? ",ro" : string.Empty)}", "tmpfs", folder);
        if (code != 0)
        {
            throw new InvalidOperationException($"Expected to mount a tmpfs at {folder}; got exit {code}: {output}");
        }

        return new Unmount(folder);
    }

    /// <summary>Remounts a mount read-only.</summary>
    /// <param name="folder">The mount point.</param>
    public static void RemountReadOnly(string folder)
    {
        (int code, string output) = Run("mount", "-o", "remount,ro", folder);
        if (code != 0)
        {
            throw new InvalidOperationException($"Expected to remount {folder} read-only; got exit {code}: {output}");
        }
    }

    private static string? ProbeMount()
    {
        string probe = Directory.CreateTempSubdirectory("skinsam-mount-probe-").FullName;
        try
        {
            (int code, string output) = Run("mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", probe);
            if (code != 0)
            {
                return $"mounting a tmpfs is not permitted here (mount exit {code}: {output.Trim()})";
            }

            Run("umount", probe);
            return null;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"no mount command: {ex.Message}";
        }
        finally
        {
            Directory.Delete(probe);
        }
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
            return (-1, $"{file} timed out");
        }

        return (process.ExitCode, output);
    }

    private sealed class Unmount(string folder) : IDisposable
    {
        public void Dispose() => Run("umount", folder);
    }
}

/// <summary>A fact that needs tmpfs mounts; skipped, with the reason, where mounting is not permitted.</summary>
internal sealed class MountFactAttribute : FactAttribute
{
    public MountFactAttribute()
    {
        if (FileSystemFaults.WhyNoMount is { } reason)
        {
            Skip = reason;
        }
    }
}
