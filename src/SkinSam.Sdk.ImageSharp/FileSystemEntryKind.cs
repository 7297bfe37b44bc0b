using System.Runtime.InteropServices;

namespace SkinSam.Sdk.ImageSharp;

/// <summary>
/// What a path names without following a final symbolic link (<c>lstat</c>): .NET exposes directories and links but
/// not devices, pipes or sockets, so on Unix the runtime's own System.Native shim answers (its FileStatus starts with
/// two 32-bit fields, flags and mode, on every platform).
/// </summary>
internal static class FileSystemEntryKind
{
    private const int TypeMask = 0xF000;

    /// <summary>A description of the entry when it exists and is not a regular file ("a named pipe (FIFO)"), otherwise null.</summary>
    /// <param name="path">A full path.</param>
    /// <returns>The description, or null for a regular file or no entry.</returns>
    public static string? DescribeIfNotRegularFile(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target)
        {
            return $"a symbolic link to '{target}'";
        }

        if (Directory.Exists(path))
        {
            return "a directory";
        }

        if (OperatingSystem.IsWindows())
        {
            return info.Exists && info.Attributes.HasFlag(FileAttributes.Device) ? "a device" : null;
        }

        return UnixMode(path) switch
        {
            null => null,
            int mode => (mode & TypeMask) switch
            {
                0x8000 => null,
                0x1000 => "a named pipe (FIFO)",
                0x2000 => "a character device",
                0x6000 => "a block device",
                0xC000 => "a socket",
                0x4000 => "a directory",
                0xA000 => "a symbolic link",
                int other => $"a file system entry of type 0x{other:X}",
            },
        };
    }

    private static int? UnixMode(string path)
    {
        var status = new byte[512];
        try
        {
            return LStat(path, status) == 0 ? BitConverter.ToInt32(status, 4) : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // A host without the shim (unusual single-file builds): directories and links are still caught above.
            return null;
        }
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] status);
}
