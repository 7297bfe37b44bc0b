namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>
/// Where evaluation data comes from: a data set on disk, read as (image, ground-truth mask, lesion type) samples.
/// Implement it to plug in a new layout; the built-in readers are listed in <see cref="DatasetLayout"/>.
/// </summary>
public interface IDatasetReader
{
    /// <summary>A short name of the data set and its layout, for reports (e.g. <c>ham10000</c>).</summary>
    string Name { get; }

    /// <summary>The root folder the reader reads.</summary>
    string Root { get; }

    /// <summary>
    /// The samples, sorted by <see cref="DatasetSample.Id"/> (ordinal), produced lazily: files are listed up front,
    /// each sample's mask is looked for when the sample is produced. No pixel is read.
    /// </summary>
    /// <returns>The samples.</returns>
    /// <exception cref="DatasetException">A folder or metadata file is missing or malformed, or an image has no mask.</exception>
    IEnumerable<DatasetSample> ReadSamples();
}
