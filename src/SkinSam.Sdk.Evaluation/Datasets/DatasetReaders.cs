namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>Opens the built-in readers by layout name.</summary>
public static class DatasetReaders
{
    /// <summary>The command-line names of the layouts, in the order of <see cref="DatasetLayout"/>.</summary>
    public static IReadOnlyList<string> LayoutNames { get; } = ["ham10000", "ham10000-original", "isic", "ph2", "folders"];

    /// <summary>Parses a layout name (<c>ham10000</c>, <c>ham10000-original</c>, <c>isic</c>, <c>ph2</c>, <c>folders</c>).</summary>
    /// <param name="name">The name, case-insensitive.</param>
    /// <returns>The layout.</returns>
    /// <exception cref="FormatException">The name is not a layout.</exception>
    public static DatasetLayout ParseLayout(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int i = 0; i < LayoutNames.Count; i++)
        {
            if (LayoutNames[i].Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return (DatasetLayout)i;
            }
        }

        throw new FormatException($"Expected a layout {string.Join(", ", LayoutNames)}; got '{name}'.");
    }

    /// <summary>Creates the reader of a layout.</summary>
    /// <param name="layout">The layout.</param>
    /// <param name="root">The data set folder.</param>
    /// <param name="maskPattern">For <see cref="DatasetLayout.Folders"/>: the mask name pattern; null for <see cref="FolderPairReader.DefaultMaskPattern"/>.</param>
    /// <returns>The reader.</returns>
    public static IDatasetReader Open(DatasetLayout layout, string root, string? maskPattern = null) => layout switch
    {
        DatasetLayout.Ham10000 => new Ham10000Reader(root, Ham10000Layout.Flat),
        DatasetLayout.Ham10000Original => new Ham10000Reader(root, Ham10000Layout.Original),
        DatasetLayout.Isic => new IsicTask1Reader(root),
        DatasetLayout.Ph2 => new Ph2Reader(root),
        DatasetLayout.Folders => new FolderPairReader(
            Path.Combine(root, "images"),
            Path.Combine(root, "masks"),
            maskPattern ?? FolderPairReader.DefaultMaskPattern,
            File.Exists(Path.Combine(root, "metadata.csv")) ? Path.Combine(root, "metadata.csv") : null),
        _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, $"Expected a defined {nameof(DatasetLayout)}; got {(int)layout}."),
    };
}
