namespace SkinSam.Sdk.ImageSharp;

/// <summary>
/// Writes a file through a temporary file in the same folder and a rename, so readers never see half a file. Only
/// regular files are written: a destination that is a device (<c>/dev/null</c>, <c>/dev/full</c>), named pipe, socket,
/// directory or symbolic link is refused with an <see cref="OutputPathException"/> and left as it is (a link is
/// never followed, and never replaced by the rename).
/// </summary>
/// <remarks>
/// Internal: writing files safely is not what this package offers its users. It lives here because this is the
/// layer that writes files (the core knows nothing of files), and the two callers above it, SkinSam.Sdk.Evaluation
/// and the CLI, see it through <c>InternalsVisibleTo</c>; the packages are versioned and released together.
/// </remarks>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with what <paramref name="write"/> puts into the stream, replacing any old file only when complete.</summary>
    /// <param name="path">The destination: a regular file or a path where nothing exists yet.</param>
    /// <param name="write">Writes the content.</param>
    /// <exception cref="OutputPathException">The destination exists and is not a regular file, or the path names a folder.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        if (Path.EndsInDirectorySeparator(full))
        {
            throw new OutputPathException($"Expected an output file path; got '{path}', which names a folder.");
        }

        ThrowIfNotRegularFile(full, path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            // Again just before the rename: the entry may have been swapped for a link or a pipe while writing.
            ThrowIfNotRegularFile(full, path);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes text atomically (UTF-8, no byte-order mark).</summary>
    /// <param name="path">The destination.</param>
    /// <param name="text">The content.</param>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, s =>
        {
            using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });
    }

    /// <summary>
    /// Deletes the temporary files that <see cref="Write"/> leaves when its process is killed between creating the
    /// temporary file and the rename (<c>.NAME.GUID.tmp</c> in the destination's folder). Other files, and
    /// sub-folders, are left alone. Call it when a batch starts over an output folder that no other process is
    /// writing into at the same time.
    /// </summary>
    /// <param name="folder">The output folder; nothing happens when it does not exist.</param>
    /// <returns>The number of files deleted.</returns>
    public static int DeleteStaleTemporaries(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        int deleted = 0;
        foreach (string file in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            if (IsTemporaryName(Path.GetFileName(file)))
            {
                TryDelete(file);
                deleted += File.Exists(file) ? 0 : 1;
            }
        }

        return deleted;
    }

    /// <summary>Throws <see cref="OutputPathException"/> when <paramref name="full"/> exists and is not a regular file.</summary>
    internal static void ThrowIfNotRegularFile(string full, string given)
    {
        if (FileSystemEntryKind.DescribeIfNotRegularFile(full) is { } kind)
        {
            throw new OutputPathException($"Expected '{given}' to be a regular file or not to exist yet; got {kind}. Refusing to write: nothing was replaced.");
        }
    }

    /// <summary>True for names of the form <c>.NAME.GUID.tmp</c> with a 32-digit hexadecimal GUID and a non-empty NAME.</summary>
    internal static bool IsTemporaryName(string name)
    {
        const int guidLength = 32;
        const string suffix = ".tmp";
        if (name.Length < 1 + 1 + 1 + guidLength + suffix.Length || name[0] != '.' || !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            return false;
        }

        int guidStart = name.Length - suffix.Length - guidLength;
        if (name[guidStart - 1] != '.')
        {
            return false;
        }

        foreach (char c in name.AsSpan(guidStart, guidLength))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
