namespace SkinSam.Cli;

/// <summary>
/// The names <c>segment</c> writes per input: <c>STEM.mask.png</c> (or <c>STEM.boxN.mask.png</c> per box when an image
/// has several boxes), <c>STEM.overlay.png</c> and <c>STEM.json</c>, all inside the output folder. Two inputs with the
/// same stem (<c>a/x.jpg</c> and <c>b/x.jpg</c>, or <c>x.jpg</c> and <c>x.png</c>) are refused before anything is written.
/// </summary>
internal static class OutputNames
{
    /// <summary>The suffix of a mask.</summary>
    public const string MaskSuffix = ".mask.png";

    /// <summary>The suffix of an overlay.</summary>
    public const string OverlaySuffix = ".overlay.png";

    /// <summary>The suffix of the JSON summary, written last.</summary>
    public const string SummarySuffix = ".json";

    /// <summary>True when the file is named like an output of <c>segment</c> (never taken as an input).</summary>
    /// <param name="path">The path.</param>
    /// <returns>True for <c>*.mask.png</c> and <c>*.overlay.png</c>.</returns>
    public static bool IsOwnOutput(string path)
    {
        string name = Path.GetFileName(path);
        return name.EndsWith(MaskSuffix, StringComparison.OrdinalIgnoreCase) || name.EndsWith(OverlaySuffix, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The output stem of an input: the output folder plus the file name without its extension.</summary>
    /// <param name="outDir">The output folder.</param>
    /// <param name="input">The input image.</param>
    /// <returns>The stem path.</returns>
    public static string Stem(string outDir, string input) => Path.Combine(outDir, Path.GetFileNameWithoutExtension(input));

    /// <summary>The mask file of prompt <paramref name="index"/> of <paramref name="count"/>.</summary>
    /// <param name="stem">The stem path.</param>
    /// <param name="index">The prompt's index.</param>
    /// <param name="count">How many prompts the image has.</param>
    /// <returns><c>STEM.mask.png</c> for one prompt, else <c>STEM.boxN.mask.png</c>.</returns>
    public static string Mask(string stem, int index, int count) => count == 1 ? stem + MaskSuffix : $"{stem}.box{index}{MaskSuffix}";

    /// <summary>Refuses inputs whose outputs would collide, or whose outputs would replace an input.</summary>
    /// <param name="outDir">The output folder.</param>
    /// <param name="inputs">The inputs.</param>
    /// <exception cref="CliUsageException">Two inputs share a stem, or an output path is an input.</exception>
    public static void RequireUnique(string outDir, IReadOnlyList<string> inputs)
    {
        // Case-insensitive: on macOS and Windows x.JPG and x.jpg would write the same files.
        var byStem = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var inputPaths = new HashSet<string>(inputs.Select(Path.GetFullPath), StringComparer.Ordinal);
        foreach (string input in inputs)
        {
            string stem = Path.GetFileNameWithoutExtension(input);
            if (byStem.TryGetValue(stem, out string? first))
            {
                throw new CliUsageException($"expected one input per output name; got '{first}' and '{input}', which would both write {Path.Combine(outDir, stem)}.*. Rename one, or segment them into separate --out folders.");
            }

            byStem[stem] = input;
            string summary = Path.GetFullPath(Stem(outDir, input) + SummarySuffix);
            if (inputPaths.Contains(summary))
            {
                throw new CliUsageException($"expected outputs that replace no input; got '{input}', whose summary {summary} is an input.");
            }
        }
    }

    /// <summary>Refuses, before writing, an output path that exists but is not a regular file (a folder or a symbolic link).</summary>
    /// <param name="path">The output path.</param>
    /// <exception cref="IOException">The path is a folder or a link.</exception>
    public static void RequireWritableFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"{path}: expected to write a regular file; got a folder there. Remove it or choose another --out.");
        }

        if (new FileInfo(path).LinkTarget is { } target)
        {
            throw new IOException($"{path}: expected to write a regular file; got a symbolic link to '{target}'. Remove it or choose another --out.");
        }
    }
}
