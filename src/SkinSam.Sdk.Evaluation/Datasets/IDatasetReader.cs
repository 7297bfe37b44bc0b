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
    /// each sample's mask is looked for when the sample is produced. No pixel is read. An image whose mask is missing
    /// is still listed, with the mask path it should have: loading that mask then fails with
    /// <see cref="DatasetProblem.MissingMask"/>, so an evaluation stops at that sample or, with
    /// <c>EvaluationOptions.SkipInvalid</c>, records it as skipped and goes on.
    /// </summary>
    /// <returns>The samples.</returns>
    /// <exception cref="DatasetException">A folder or metadata file is missing or malformed.</exception>
    IEnumerable<DatasetSample> ReadSamples();
}
