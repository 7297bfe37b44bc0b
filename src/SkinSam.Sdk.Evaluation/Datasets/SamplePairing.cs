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

    /// <summary>Yields samples in id order; a missing mask stops the enumeration with the image named.</summary>
    public static IEnumerable<DatasetSample> Pair(
        SortedDictionary<string, string> images,
        Func<string, string?> findMask,
        Func<string, string?> lesionType,
        Func<string, string> describeExpectedMask)
    {
        foreach ((string id, string imagePath) in images)
        {
            string? mask = findMask(id);
            if (mask is null)
            {
                throw new DatasetException(DatasetProblem.MissingMask, imagePath, $"expected a ground-truth mask {describeExpectedMask(id)}; got no such file.");
            }

            yield return new DatasetSample(id, imagePath, mask, lesionType(id));
        }
    }
}
