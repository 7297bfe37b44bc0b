namespace SkinSam.Cli;

/// <summary>
/// Expands the image arguments: files, folders (their images, sorted) and simple globs (<c>*</c>, <c>?</c> in the file
/// name). Files named like skinsam's own outputs (<c>*.mask.png</c>, <c>*.overlay.png</c>) are never inputs, so a run
/// whose <c>--out</c> is the input folder does not segment its own outputs the next time.
/// </summary>
internal static class InputFiles
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".gif", ".tga"];

    /// <summary>Expands the arguments into image files in argument order, each file once.</summary>
    /// <param name="arguments">Files, folders or globs.</param>
    /// <param name="output">Receives a note when own outputs or a repeated file are left out.</param>
    /// <returns>The files.</returns>
    /// <exception cref="CliUsageException">An argument does not exist, or names a skinsam output.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> arguments, CliOutput output)
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int ownOutputs = 0;
        void AddFound(IEnumerable<string> files)
        {
            foreach (string file in files.Where(IsImage).Order(StringComparer.Ordinal))
            {
                if (OutputNames.IsOwnOutput(file))
                {
                    ownOutputs++;
                }
                else if (seen.Add(Path.GetFullPath(file)))
                {
                    result.Add(file);
                }
            }
        }

        foreach (string arg in arguments)
        {
            if (Directory.Exists(arg))
            {
                AddFound(List(arg, "*", arg));
            }
            else if (arg.Contains('*', StringComparison.Ordinal) || arg.Contains('?', StringComparison.Ordinal))
            {
                string dir = Path.GetDirectoryName(arg) is { Length: > 0 } d ? d : ".";
                string pattern = Path.GetFileName(arg);
                if (!Directory.Exists(dir))
                {
                    throw new CliUsageException($"expected the folder of glob '{arg}' to exist; got no folder '{dir}'.");
                }

                AddFound(List(dir, pattern, arg));
            }
            else if (File.Exists(arg) && Dangling(arg) is { } dangling)
            {
                throw new CliUsageException($"expected an image file, folder or glob; got '{arg}', {dangling}.");
            }
            else if (File.Exists(arg))
            {
                if (OutputNames.IsOwnOutput(arg))
                {
                    throw new CliUsageException($"expected an image to segment; got '{arg}', which is named like a skinsam output (*.mask.png, *.overlay.png). Rename it to segment it.");
                }

                if (seen.Add(Path.GetFullPath(arg)))
                {
                    result.Add(arg);
                }
                else
                {
                    output.Warn($"'{arg}' is given more than once; segmenting it once.");
                }
            }
            else if (new FileInfo(arg).LinkTarget is { } target)
            {
                throw new CliUsageException($"expected an image file, folder or glob; got '{arg}', a symbolic link to '{target}', which does not exist.");
            }
            else if (arg.StartsWith('-'))
            {
                throw new CliUsageException($"expected an option of this command or an image; got '{arg}', which is neither (a file whose name starts with '-' is given as ./{arg}).");
            }
            else
            {
                throw new CliUsageException($"expected an image file, folder or glob; got '{arg}', which does not exist.");
            }
        }

        if (ownOutputs > 0)
        {
            output.Error.WriteLine($"note: left out {ownOutputs} file(s) named like skinsam outputs (*.mask.png, *.overlay.png).");
        }

        return result;
    }

    /// <summary>The files of a folder, read at once, so a folder that cannot be listed is a usage error naming it.</summary>
    private static List<string> List(string folder, string pattern, string arg)
    {
        try
        {
            return [.. Directory.EnumerateFiles(folder, pattern)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"expected a folder of images that can be listed; got '{arg}': {ex.Message}");
        }
    }

    /// <summary>Why a symbolic link leads to no file (it dangles, or loops); null for a file or a link that resolves.</summary>
    private static string? Dangling(string path)
    {
        try
        {
            FileSystemInfo? target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            return target is null || target.Exists ? null : $"a symbolic link to '{target.FullName}', which does not exist";
        }
        catch (IOException ex)
        {
            return $"a symbolic link that cannot be followed ({ex.Message})";
        }
    }

    /// <summary>True when the file has an image extension skinsam reads.</summary>
    /// <param name="path">The path.</param>
    /// <returns>True for .jpg, .png, .bmp, ...</returns>
    public static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>
    /// Refuses, without opening it, a file that cannot be an image: zero bytes long, which is also what a pipe, a
    /// socket or a character device reports (opening a pipe for reading would wait for a writer forever).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <exception cref="IOException">The file is empty or not a regular file.</exception>
    public static void RequireReadableImage(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new IOException($"{path}: expected an image file; got no such file (it was removed or is not a regular file).");
        }

        if (info.Length == 0)
        {
            throw new IOException($"{path}: expected an image file; got 0 bytes (an empty file, or a pipe, socket or device).");
        }
    }
}
