namespace SkinSam.Cli;

/// <summary>Expands the image arguments: files, folders (their images, sorted) and simple globs (<c>*</c>, <c>?</c> in the file name).</summary>
internal static class InputFiles
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".gif", ".tga"];

    public static IReadOnlyList<string> Expand(IEnumerable<string> arguments)
    {
        var result = new List<string>();
        foreach (string arg in arguments)
        {
            if (Directory.Exists(arg))
            {
                result.AddRange(Directory.EnumerateFiles(arg).Where(IsImage).Order(StringComparer.Ordinal));
            }
            else if (arg.Contains('*', StringComparison.Ordinal) || arg.Contains('?', StringComparison.Ordinal))
            {
                string dir = Path.GetDirectoryName(arg) is { Length: > 0 } d ? d : ".";
                string pattern = Path.GetFileName(arg);
                if (!Directory.Exists(dir))
                {
                    throw new FileNotFoundException($"Expected the folder of glob '{arg}' to exist; got no folder '{dir}'.");
                }

                result.AddRange(Directory.EnumerateFiles(dir, pattern).Where(IsImage).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(arg))
            {
                result.Add(arg);
            }
            else
            {
                throw new FileNotFoundException($"Expected an image file, folder or glob; got '{arg}', which does not exist.", arg);
            }
        }

        return result;
    }

    private static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());
}
