using System.Text.RegularExpressions;

namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>
/// Reads the ISIC 2016, 2017 and 2018 lesion segmentation (Task 1 / Part 1) releases: input folders such as
/// <c>ISIC2018_Task1-2_Training_Input</c>, <c>ISIC-2017_Training_Data</c> or <c>ISBI2016_ISIC_Part1_Training_Data</c>
/// holding <c>ISIC_nnnnnnn.jpg</c>, and ground-truth folders whose name contains <c>GroundTruth</c> holding
/// <c>ISIC_nnnnnnn_segmentation.png</c> or <c>ISIC_nnnnnnn_Segmentation.png</c>.
/// </summary>
/// <remarks>
/// Every input folder directly under the root is read (training, validation and test alike; ISIC ids are unique across
/// them); point the reader at a folder holding one split's pair to evaluate that split. A root without such folders may
/// hold the images and masks together. Files other than <c>ISIC_&lt;digits&gt;</c> images (e.g. 2017's
/// <c>_superpixels.png</c>) are ignored. The segmentation task carries no lesion type; when the root also holds the
/// classification ground truth (2016's Part 3 CSV, 2017's <c>_Part3_GroundTruth.csv</c>, 2018's Task 3 CSV, or an
/// <c>image_id,dx</c> file) <see cref="DatasetSample.LesionType"/> comes from it, otherwise it is null.
/// </remarks>
public sealed partial class IsicTask1Reader : IDatasetReader
{
    /// <summary>Creates the reader; nothing is read until <see cref="ReadSamples"/>.</summary>
    /// <param name="root">The folder holding the input and ground-truth folders.</param>
    public IsicTask1Reader(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <inheritdoc/>
    public string Name => "isic";

    /// <inheritdoc/>
    public string Root { get; }

    /// <inheritdoc/>
    public IEnumerable<DatasetSample> ReadSamples()
    {
        SamplePairing.RequireFolder(Root, "an ISIC Task 1 folder");
        string[] folders = [.. Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal)];
        string[] truthFolders = [.. folders.Where(f => Path.GetFileName(f).Contains("GroundTruth", StringComparison.OrdinalIgnoreCase))];
        string[] inputFolders = [.. folders.Where(f => !truthFolders.Contains(f) && Path.GetFileName(f).StartsWith("IS", StringComparison.OrdinalIgnoreCase))];
        if ((inputFolders.Length == 0 || truthFolders.Length == 0) && Directory.EnumerateFiles(Root).Any(f => SamplePairing.IsImageFile(f) && ImageId().IsMatch(Path.GetFileNameWithoutExtension(f))))
        {
            // Images and masks in one folder.
            inputFolders = truthFolders = [Root];
        }

        if (inputFolders.Length == 0 || truthFolders.Length == 0)
        {
            throw new DatasetException(DatasetProblem.MissingFile, Root, $"expected ISIC*_Input (or _Data) and ISIC*_GroundTruth folders, or ISIC_nnnnnnn.jpg images with their _segmentation.png masks in one folder; got [{string.Join(", ", folders.Select(Path.GetFileName))}].");
        }

        var images = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string folder in inputFolders)
        {
            foreach (string file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            {
                string stem = Path.GetFileNameWithoutExtension(file);
                if (SamplePairing.IsImageFile(file) && ImageId().IsMatch(stem))
                {
                    SamplePairing.AddUnique(images, stem, file);
                }
            }
        }

        var masks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string folder in truthFolders)
        {
            foreach (string file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            {
                Match m = MaskName().Match(Path.GetFileName(file));
                if (m.Success)
                {
                    masks.TryAdd(m.Groups[1].Value, file);
                }
            }
        }

        Dictionary<string, string> lesionTypes = IsicDiagnosisTable.ReadFolder(Root);
        return SamplePairing.Pair(
            images,
            id => masks.GetValueOrDefault(id),
            id => lesionTypes.GetValueOrDefault(id),
            id => Path.Combine(truthFolders[0], id + "_segmentation.png"));
    }

    [GeneratedRegex(@"^ISIC_\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex ImageId();

    [GeneratedRegex(@"^(ISIC_\d+)_[Ss]egmentation\.png$", RegexOptions.CultureInvariant)]
    private static partial Regex MaskName();
}
