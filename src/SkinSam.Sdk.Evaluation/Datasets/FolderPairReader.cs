namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>
/// Reads any data set kept as a folder of images and a folder of masks: the image id is the image file's name without
/// extension, and the mask's name comes from a pattern in which <c>{id}</c> stands for the id
/// (default <c>{id}.png</c>; HAM10000 and ISIC style is <c>{id}_segmentation.png</c>).
/// An optional metadata CSV with columns <c>image_id</c> and <c>dx</c> gives lesion types.
/// </summary>
public sealed class FolderPairReader : IDatasetReader
{
    /// <summary>The default mask-name pattern.</summary>
    public const string DefaultMaskPattern = "{id}.png";

    /// <summary>Creates the reader; nothing is read until <see cref="ReadSamples"/>.</summary>
    /// <param name="imageFolder">The folder of images (not searched recursively).</param>
    /// <param name="maskFolder">The folder of masks.</param>
    /// <param name="maskPattern">The mask file name with <c>{id}</c> for the image id.</param>
    /// <param name="metadataPath">A CSV with <c>image_id</c> and <c>dx</c> columns, or null.</param>
    /// <exception cref="ArgumentException">The pattern has no <c>{id}</c>.</exception>
    public FolderPairReader(string imageFolder, string maskFolder, string maskPattern = DefaultMaskPattern, string? metadataPath = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(imageFolder);
        ArgumentException.ThrowIfNullOrWhiteSpace(maskFolder);
        ArgumentException.ThrowIfNullOrWhiteSpace(maskPattern);
        if (!maskPattern.Contains("{id}", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Expected a mask pattern containing '{{id}}', e.g. '{{id}}_segmentation.png'; got '{maskPattern}'.", nameof(maskPattern));
        }

        ImageFolder = Path.GetFullPath(imageFolder);
        MaskFolder = Path.GetFullPath(maskFolder);
        MaskPattern = maskPattern;
        MetadataPath = metadataPath is null ? null : Path.GetFullPath(metadataPath);
    }

    /// <inheritdoc/>
    public string Name => "folders";

    /// <inheritdoc/>
    public string Root => ImageFolder;

    /// <summary>The folder of images.</summary>
    public string ImageFolder { get; }

    /// <summary>The folder of masks.</summary>
    public string MaskFolder { get; }

    /// <summary>The mask name pattern.</summary>
    public string MaskPattern { get; }

    /// <summary>The metadata CSV, or null.</summary>
    public string? MetadataPath { get; }

    /// <inheritdoc/>
    public IEnumerable<DatasetSample> ReadSamples()
    {
        SamplePairing.RequireFolder(ImageFolder, "a folder of images");
        SamplePairing.RequireFolder(MaskFolder, "a folder of masks");
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        if (MetadataPath is not null)
        {
            CsvTable table = CsvTable.Read(MetadataPath);
            int id = table.Column("image_id");
            int dx = table.Column("dx");
            foreach (string[] row in table.Rows.Where(r => r.Length > Math.Max(id, dx)))
            {
                types[row[id].Trim()] = row[dx].Trim();
            }
        }

        // When masks share the image folder, skip the files that are masks.
        bool sameFolder = string.Equals(ImageFolder, MaskFolder, StringComparison.Ordinal);
        var masks = sameFolder ? new HashSet<string>(StringComparer.Ordinal) : null;
        var images = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string[] files = [.. Directory.EnumerateFiles(ImageFolder).Where(SamplePairing.IsImageFile)];
        if (masks is not null)
        {
            foreach (string file in files)
            {
                masks.Add(Path.Combine(MaskFolder, MaskFileName(Path.GetFileNameWithoutExtension(file))));
            }
        }

        foreach (string file in files)
        {
            if (masks is null || !masks.Contains(file))
            {
                SamplePairing.AddUnique(images, Path.GetFileNameWithoutExtension(file), file);
            }
        }

        return SamplePairing.Pair(
            images,
            id =>
            {
                string mask = Path.Combine(MaskFolder, MaskFileName(id));
                return File.Exists(mask) ? mask : null;
            },
            id => types.GetValueOrDefault(id),
            id => Path.Combine(MaskFolder, MaskFileName(id)));
    }

    private string MaskFileName(string id) => MaskPattern.Replace("{id}", id, StringComparison.Ordinal);
}
