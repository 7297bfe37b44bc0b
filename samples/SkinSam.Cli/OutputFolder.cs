namespace SkinSam.Cli;

/// <summary>Checks an <c>--out</c> folder before any work: it is (or can be made) a folder skinsam can write into.</summary>
internal static class OutputFolder
{
    /// <summary>Creates the folder when missing and proves it writable with a probe file that is removed again.</summary>
    /// <param name="path">The folder.</param>
    /// <exception cref="CliUsageException">It is a file, lies inside a file, cannot be created, or cannot be written into.</exception>
    public static void Prepare(string path)
    {
        if (File.Exists(path))
        {
            throw new CliUsageException($"--out: expected a folder; got '{path}', which is a file.");
        }

        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new CliUsageException($"--out: expected a folder that exists or can be created; got '{path}': {ex.Message}");
        }

        string probe = Path.Combine(path, $".skinsam-probe-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
                stream.WriteByte(0);
                stream.Flush(flushToDisk: false);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--out: expected a folder skinsam can write into; got '{path}': {ex.Message}");
        }
        finally
        {
            try
            {
                File.Delete(probe);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The probe could not be created in the first place; nothing to remove.
            }
        }
    }
}
