namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>
/// Reads an id filter file (a validation split list, for example): one image id per line. Blank lines, lines starting
/// with <c>#</c> and a first line <c>image_id</c> (a CSV header) are skipped; an image extension after an id is dropped.
/// </summary>
public static class IdListFile
{
    /// <summary>Reads the ids of a file, in file order, without duplicates.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The ids.</returns>
    /// <exception cref="DatasetException">The file does not exist, holds no id, or an id has a comma or whitespace inside.</exception>
    public static IReadOnlyList<string> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new DatasetException(DatasetProblem.MissingFile, path, "expected an id list file (one image id per line); got no such file.");
        }

        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNumber++;
            string line = raw.Trim().TrimStart('\uFEFF');
            if (line.Length == 0 || line.StartsWith('#') || (ids.Count == 0 && line.Equals("image_id", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (line.Any(c => c == ',' || char.IsWhiteSpace(c)))
            {
                throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected one image id per line; got '{line}' on line {lineNumber}.");
            }

            if (SamplePairing.IsImageFile(line))
            {
                line = Path.GetFileNameWithoutExtension(line);
            }

            if (seen.Add(line))
            {
                ids.Add(line);
            }
        }

        if (ids.Count == 0)
        {
            throw new DatasetException(DatasetProblem.MalformedMetadata, path, "expected at least one image id; got none.");
        }

        return ids;
    }
}
