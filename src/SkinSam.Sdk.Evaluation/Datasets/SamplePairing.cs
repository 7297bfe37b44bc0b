namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>Pairs images with their masks in id order, checking as it goes; shared by the built-in readers.</summary>
internal static class SamplePairing
{
    public static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"];

    public static bool IsImageFile(string path) =>
        ImageExtensions.Contains(System.IO.Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    public static string RequireFolder(string path, string what)
    {
        if (!Directory.Exists(path))
        {
            throw new DatasetException(DatasetProblem.MissingFile, path, $"expected {what}; got no such folder.");
        }

        return path;
    }

    /// <summary>Adds (id, path) pairs to a map sorted by id, rejecting duplicate ids.</summary>
    public static void AddUnique(SortedDictionary<string, string> map, string id, string path)
    {
        if (!map.TryAdd(id, path))
        {
            throw new DatasetException(DatasetProblem.DuplicateId, path, $"expected each image id once; got '{id}' also at {map[id]}.");
        }
    }

    /// <summary>
    /// Yields samples in id order. A sample whose mask is missing is listed with the mask path it should have, so the
    /// run reaches it: loading that mask fails with <see cref="DatasetProblem.MissingMask"/> naming the file, which stops
    /// the run at that sample, or, with <c>SkipInvalid</c>, records it in <c>skipped.jsonl</c> and the report and goes on.
    /// </summary>
    public static IEnumerable<DatasetSample> Pair(
        SortedDictionary<string, string> images,
        Func<string, string?> findMask,
        Func<string, string?> lesionType,
        Func<string, string> expectedMaskPath)
    {
        foreach ((string id, string imagePath) in images)
        {
            yield return new DatasetSample(id, imagePath, findMask(id) ?? expectedMaskPath(id), lesionType(id));
        }
    }
}
