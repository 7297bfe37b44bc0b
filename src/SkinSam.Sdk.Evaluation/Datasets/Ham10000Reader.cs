namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>
/// Reads HAM10000 (Tschandl et al. 2018) with the lesion masks of Tschandl et al. 2020: image ids, JPEG images,
/// <c>&lt;image_id&gt;_segmentation.png</c> masks, and the lesion type from the metadata's <c>dx</c> column.
/// </summary>
/// <remarks>An image whose id is not in the metadata gets a null lesion type (reported as <c>unknown</c>).</remarks>
public sealed class Ham10000Reader : IDatasetReader
{
    /// <summary>Creates the reader; nothing is read until <see cref="ReadSamples"/>.</summary>
    /// <param name="root">The data set folder.</param>
    /// <param name="layout">Which folder layout it has.</param>
    public Ham10000Reader(string root, Ham10000Layout layout = Ham10000Layout.Flat)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        Layout = layout;
    }

    /// <inheritdoc/>
    public string Name => Layout == Ham10000Layout.Flat ? "ham10000" : "ham10000-original";

    /// <inheritdoc/>
    public string Root { get; }

    /// <summary>The folder layout.</summary>
    public Ham10000Layout Layout { get; }

    /// <inheritdoc/>
    public IEnumerable<DatasetSample> ReadSamples()
    {
        SamplePairing.RequireFolder(Root, "a HAM10000 folder");
        IReadOnlyList<string> imageFolders;
        string maskFolder;
        string metadataPath;
        SearchOption maskSearch;
        if (Layout == Ham10000Layout.Flat)
        {
            imageFolders = [SamplePairing.RequireFolder(Path.Combine(Root, "images"), "an 'images' folder of ISIC_*.jpg")];
            maskFolder = SamplePairing.RequireFolder(Path.Combine(Root, "masks"), "a 'masks' folder of <image_id>_segmentation.png");
            metadataPath = Path.Combine(Root, "metadata.csv");
            maskSearch = SearchOption.TopDirectoryOnly;
        }
        else
        {
            imageFolders = [.. Directory.EnumerateDirectories(Root)
                .Where(d => Path.GetFileName(d).StartsWith("HAM10000_images_part_", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)];
            if (imageFolders.Count == 0)
            {
                throw new DatasetException(DatasetProblem.MissingFile, Root, "expected folders HAM10000_images_part_1 and HAM10000_images_part_2; got neither.");
            }

            maskFolder = SamplePairing.RequireFolder(Path.Combine(Root, "HAM10000_segmentations_lesion_tschandl"), "the HAM10000_segmentations_lesion_tschandl folder");
            metadataPath = Path.Combine(Root, "HAM10000_metadata.csv");
            maskSearch = SearchOption.AllDirectories;
        }

        Dictionary<string, string> lesionTypes = ReadLesionTypes(metadataPath);
        var images = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string folder in imageFolders)
        {
            foreach (string file in Directory.EnumerateFiles(folder))
            {
                string ext = Path.GetExtension(file);
                if (ext.Equals(".jpg", StringComparison.OrdinalIgnoreCase) || ext.Equals(".jpeg", StringComparison.OrdinalIgnoreCase) || ext.Equals(".png", StringComparison.OrdinalIgnoreCase))
                {
                    SamplePairing.AddUnique(images, Path.GetFileNameWithoutExtension(file), file);
                }
            }
        }

        var masks = new Dictionary<string, string>(StringComparer.Ordinal);
        const string suffix = "_segmentation";
        foreach (string file in Directory.EnumerateFiles(maskFolder, "*.png", maskSearch))
        {
            string stem = Path.GetFileNameWithoutExtension(file);
            if (stem.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                masks.TryAdd(stem[..^suffix.Length], file);
            }
        }

        return SamplePairing.Pair(
            images,
            id => masks.GetValueOrDefault(id),
            id => lesionTypes.GetValueOrDefault(id),
            id => Path.Combine(maskFolder, id + "_segmentation.png"));
    }

    private static Dictionary<string, string> ReadLesionTypes(string metadataPath)
    {
        CsvTable table = CsvTable.Read(metadataPath);
        int idColumn = table.Column("image_id");
        int dxColumn = table.Column("dx");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int r = 0; r < table.Rows.Count; r++)
        {
            string[] row = table.Rows[r];
            if (row.Length <= Math.Max(idColumn, dxColumn))
            {
                throw new DatasetException(DatasetProblem.MalformedMetadata, metadataPath, $"expected at least {Math.Max(idColumn, dxColumn) + 1} fields in record {r + 1}; got {row.Length}.");
            }

            map[row[idColumn].Trim()] = row[dxColumn].Trim();
        }

        return map;
    }
}
